import { CaseEventBodySchema } from '../../workflows/case-events.schema.ts';
import { CaseIdSchema, CaseStatusSchema } from '../domain/case.ts';
import { DocumentIdSchema, NewDocumentSchema } from '../domain/document.ts';
import { FicheDraftSchema } from '../domain/fiche.schema.ts';
import { InvitationSchema, MembershipPatchSchema, UserIdSchema } from '../domain/membership.ts';
import { PreferencesSchema } from '../domain/preferences.ts';
import { refId } from '../domain/text.ts';
import * as z from '../domain/zod.ts';

/**
 * The route table: every HTTP route of the API, once. The CDK stack, the local gateway and the
 * OpenAPI document are all derived from it, so they cannot drift. It holds what the functions
 * need at run time; what only the document reads (summaries, response schemas, problems) is in
 * route-docs.ts, keyed by operationId, so that no function carries it.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type Permission =
  | 'table:read'
  | 'table:write'
  | 'documents:read'
  | 'documents:write'
  | 'mail:send'
  | 'users:admin';

export interface RouteSpec {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI / API Gateway path template, e.g. `/cases/{caseId}`. */
  path: string;
  /** `jwt`: API Gateway's JWT authorizer checks the bearer token before the handler runs. */
  auth: 'none' | 'jwt';
  /** Module exporting `handler`, relative to the repository root. */
  handler: string;
  /** Routes of one group share a Lambda function on AWS. */
  group: string;
  /** What the handler touches; the group's function is granted exactly the union of its routes'. */
  permissions: Permission[];
  request?: {
    params?: z.ZodMiniObject;
    query?: z.ZodMiniObject;
    body?: z.ZodMiniType;
    /** Header names in lower case, as API Gateway passes them. */
    headers?: z.ZodMiniObject;
  };
  /** The status of a success; its body's schema is the route's in route-docs.ts. */
  response: { status: 200 | 201 };
}

/**
 * A route of the table, built by a function so that a bundle which does not use it leaves it out
 * with its schemas (calls into another module, `z.object(…)`, count as effects to esbuild; this
 * call, annotated, does not).
 */
/* @__NO_SIDE_EFFECTS__ */
function route<const R extends RouteSpec>(spec: () => R): R {
  return spec();
}

const CASE_PERMISSIONS: Permission[] = ['table:read', 'table:write'];

const CaseParams = /* @__PURE__ */ z.object({ caseId: CaseIdSchema });

/** `If-Match: "<version>"` (quotes optional, weak tag accepted) → the version as a number. */
const IfMatch = /* @__PURE__ */ z
  .optional(
    z.pipe(
      z.string().check(z.regex(/^(W\/)?"?\d{1,9}"?$/, 'Expected a case version such as "3"')),
      z.transform((value) => Number(value.replace(/\D/g, ''))),
    ),
  )
  .register(z.globalRegistry, {
    description: 'The version the change was computed from; 412 when the case has moved on',
  });

const IdempotencyKey = /* @__PURE__ */ z
  .optional(z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/, 'Printable ASCII, 1 to 255 characters')))
  .register(z.globalRegistry, {
    description: 'A retry with the same key and body returns the first answer and changes nothing',
  });

const DocumentParams = /* @__PURE__ */ z.object({ caseId: CaseIdSchema, documentId: DocumentIdSchema });
const DOCUMENT_PERMISSIONS: Permission[] = ['table:read', 'table:write', 'documents:read', 'documents:write'];

const ADMIN_PERMISSIONS: Permission[] = ['table:read', 'table:write', 'users:admin'];

/** The size of a page, 1 to 100 (`fallback` when not given). */
/* @__NO_SIDE_EFFECTS__ */
function pageLimit(fallback: number) {
  return z._default(z.coercedNumber().check(z.int(), z.gte(1), z.lte(100)), fallback);
}

/** Where a page starts: the previous page's `nextCursor`. */
/* @__NO_SIDE_EFFECTS__ */
function pageCursor() {
  return z.optional(z.string().check(z.maxLength(2000)));
}

export const getHealth = route(() => ({
  operationId: 'getHealth',
  method: 'GET',
  path: '/health',
  auth: 'none',
  handler: 'functions/api/get-health.handler.ts',
  group: 'public',
  permissions: [],
  response: { status: 200 },
}));

export const getOpenApi = route(() => ({
  operationId: 'getOpenApi',
  method: 'GET',
  path: '/openapi.json',
  auth: 'none',
  handler: 'functions/api/get-openapi.handler.ts',
  group: 'public',
  permissions: [],
  response: { status: 200 },
}));

export const getMe = route(() => ({
  operationId: 'getMe',
  method: 'GET',
  path: '/me',
  auth: 'jwt',
  handler: 'functions/api/get-me.handler.ts',
  group: 'identity',
  permissions: [],
  response: { status: 200 },
}));

export const getPreferences = route(() => ({
  operationId: 'getPreferences',
  method: 'GET',
  path: '/me/preferences',
  auth: 'jwt',
  handler: 'functions/api/get-preferences.handler.ts',
  group: 'preferences',
  permissions: ['table:read'],
  response: { status: 200 },
}));

export const putPreferences = route(() => ({
  operationId: 'putPreferences',
  method: 'PUT',
  path: '/me/preferences',
  auth: 'jwt',
  handler: 'functions/api/put-preferences.handler.ts',
  group: 'preferences',
  permissions: ['table:read', 'table:write'],
  request: { body: PreferencesSchema },
  response: { status: 200 },
}));

export const getReferentiel = route(() => ({
  operationId: 'getReferentiel',
  method: 'GET',
  path: '/referentiel',
  auth: 'jwt',
  handler: 'functions/api/get-referentiel.handler.ts',
  group: 'identity',
  permissions: ['table:read'],
  response: { status: 200 },
}));

export const createCase = route(() => ({
  operationId: 'createCase',
  method: 'POST',
  path: '/cases',
  auth: 'jwt',
  handler: 'functions/api/create-case.handler.ts',
  group: 'cases',
  permissions: CASE_PERMISSIONS,
  request: {
    body: /* @__PURE__ */ z
      .strictObject({ centreId: refId(), fiche: z.optional(FicheDraftSchema) })
      .register(z.globalRegistry, { id: 'NewCase' }),
    headers: z.object({ 'idempotency-key': IdempotencyKey }),
  },
  response: { status: 201 },
}));

export const listCases = route(() => ({
  operationId: 'listCases',
  method: 'GET',
  path: '/cases',
  auth: 'jwt',
  handler: 'functions/api/list-cases.handler.ts',
  group: 'cases',
  permissions: ['table:read'],
  request: {
    query: z.object({
      status: z.optional(CaseStatusSchema),
      overdue: /* @__PURE__ */ z
        .pipe(
          z.optional(z.enum(['true', 'false'], { error: 'Expected true or false' })),
          z.transform((value) => value === 'true'),
        )
        .register(z.globalRegistry, { description: 'true: only the cases whose current step is overdue' }),
      limit: pageLimit(20),
      cursor: pageCursor(),
    }),
  },
  response: { status: 200 },
}));

export const getCase = route(() => ({
  operationId: 'getCase',
  method: 'GET',
  path: '/cases/{caseId}',
  auth: 'jwt',
  handler: 'functions/api/get-case.handler.ts',
  group: 'cases',
  permissions: ['table:read'],
  request: { params: CaseParams },
  response: { status: 200 },
}));

export const putFiche = route(() => ({
  operationId: 'putFiche',
  method: 'PUT',
  path: '/cases/{caseId}/fiche',
  auth: 'jwt',
  handler: 'functions/api/put-fiche.handler.ts',
  group: 'cases',
  permissions: CASE_PERMISSIONS,
  request: { params: CaseParams, body: FicheDraftSchema, headers: z.object({ 'if-match': IfMatch }) },
  response: { status: 200 },
}));

export const postEvent = route(() => ({
  operationId: 'postEvent',
  method: 'POST',
  path: '/cases/{caseId}/events',
  auth: 'jwt',
  handler: 'functions/api/post-event.handler.ts',
  group: 'cases',
  permissions: CASE_PERMISSIONS,
  request: {
    params: CaseParams,
    body: CaseEventBodySchema,
    headers: z.object({ 'if-match': IfMatch, 'idempotency-key': IdempotencyKey }),
  },
  response: { status: 200 },
}));

export const getHistory = route(() => ({
  operationId: 'getHistory',
  method: 'GET',
  path: '/cases/{caseId}/history',
  auth: 'jwt',
  handler: 'functions/api/get-history.handler.ts',
  group: 'cases',
  permissions: ['table:read'],
  request: { params: CaseParams },
  response: { status: 200 },
}));

export const requestUpload = route(() => ({
  operationId: 'requestUpload',
  method: 'POST',
  path: '/cases/{caseId}/documents',
  auth: 'jwt',
  handler: 'functions/api/request-upload.handler.ts',
  group: 'documents',
  permissions: DOCUMENT_PERMISSIONS,
  request: { params: CaseParams, body: NewDocumentSchema },
  response: { status: 201 },
}));

export const confirmUpload = route(() => ({
  operationId: 'confirmUpload',
  method: 'POST',
  path: '/cases/{caseId}/documents/{documentId}/confirm',
  auth: 'jwt',
  handler: 'functions/api/confirm-upload.handler.ts',
  group: 'documents',
  permissions: DOCUMENT_PERMISSIONS,
  request: { params: DocumentParams },
  response: { status: 200 },
}));

export const listDocuments = route(() => ({
  operationId: 'listDocuments',
  method: 'GET',
  path: '/cases/{caseId}/documents',
  auth: 'jwt',
  handler: 'functions/api/list-documents.handler.ts',
  group: 'documents',
  permissions: ['table:read'],
  request: { params: CaseParams },
  response: { status: 200 },
}));

export const downloadDocument = route(() => ({
  operationId: 'downloadDocument',
  method: 'GET',
  path: '/cases/{caseId}/documents/{documentId}',
  auth: 'jwt',
  handler: 'functions/api/download-document.handler.ts',
  group: 'documents',
  permissions: ['table:read', 'table:write', 'documents:read'],
  request: { params: DocumentParams },
  response: { status: 200 },
}));

export const listCaseMails = route(() => ({
  operationId: 'listCaseMails',
  method: 'GET',
  path: '/cases/{caseId}/mails',
  auth: 'jwt',
  handler: 'functions/api/list-case-mails.handler.ts',
  group: 'documents',
  permissions: ['table:read'],
  request: { params: CaseParams },
  response: { status: 200 },
}));

export const getAccessLog = route(() => ({
  operationId: 'getAccessLog',
  method: 'GET',
  path: '/cases/{caseId}/access-log',
  auth: 'jwt',
  handler: 'functions/api/get-access-log.handler.ts',
  group: 'documents',
  permissions: ['table:read'],
  request: {
    params: CaseParams,
    query: z.object({
      limit: pageLimit(50),
      cursor: pageCursor(),
    }),
  },
  response: { status: 200 },
}));

export const listUsers = route(() => ({
  operationId: 'listUsers',
  method: 'GET',
  path: '/admin/users',
  auth: 'jwt',
  handler: 'functions/api/list-users.handler.ts',
  group: 'admin',
  permissions: ['table:read'],
  response: { status: 200 },
}));

export const inviteUser = route(() => ({
  operationId: 'inviteUser',
  method: 'POST',
  path: '/admin/users',
  auth: 'jwt',
  handler: 'functions/api/invite-user.handler.ts',
  group: 'admin',
  permissions: ADMIN_PERMISSIONS,
  request: { body: InvitationSchema },
  response: { status: 201 },
}));

export const changeUser = route(() => ({
  operationId: 'changeUser',
  method: 'PATCH',
  path: '/admin/users/{userId}',
  auth: 'jwt',
  handler: 'functions/api/change-user.handler.ts',
  group: 'admin',
  permissions: ADMIN_PERMISSIONS,
  request: { params: z.object({ userId: UserIdSchema }), body: MembershipPatchSchema },
  response: { status: 200 },
}));

export const listMembershipChanges = route(() => ({
  operationId: 'listMembershipChanges',
  method: 'GET',
  path: '/admin/membership-changes',
  auth: 'jwt',
  handler: 'functions/api/list-membership-changes.handler.ts',
  group: 'admin',
  permissions: ['table:read'],
  request: {
    query: z.object({
      limit: pageLimit(50),
      cursor: pageCursor(),
    }),
  },
  response: { status: 200 },
}));

/**
 * The table, by operationId. A handler module imports the module as a namespace
 * (`import * as routes from …/routes.ts`) and names its route, `routes.getCase`: a bundler then
 * keeps that route and its schemas alone, not the other routes' (esbuild keeps the members of a
 * namespace import that are used; the calls above are annotated pure so that it may).
 */
export const routes = {
  getHealth,
  getOpenApi,
  getMe,
  getPreferences,
  putPreferences,
  getReferentiel,
  createCase,
  listCases,
  getCase,
  putFiche,
  postEvent,
  getHistory,
  requestUpload,
  confirmUpload,
  listDocuments,
  downloadDocument,
  listCaseMails,
  getAccessLog,
  listUsers,
  inviteUser,
  changeUser,
  listMembershipChanges,
} as const;

export const routeList: RouteSpec[] = /* @__PURE__ */ Object.values(routes);
