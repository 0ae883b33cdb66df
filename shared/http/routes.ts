import { CaseEventBodySchema } from '../../workflows/case-events.schema.ts';
import { ROLES } from '../domain/caller.ts';
import { CaseIdSchema, CaseSchema, CaseStatusSchema, HistoryEventSchema } from '../domain/case.ts';
import {
  AccessLogEntrySchema,
  DocumentIdSchema,
  DocumentSchema,
  NewDocumentSchema,
} from '../domain/document.ts';
import { FicheDraftSchema } from '../domain/fiche.schema.ts';
import { MailLogEntrySchema } from '../domain/mail-log.ts';
import {
  InvitationSchema,
  MembershipChangeSchema,
  MembershipPatchSchema,
  UserIdSchema,
  UserSchema,
} from '../domain/membership.ts';
import { PreferencesSchema } from '../domain/preferences.ts';
import { ReferentielSchema } from '../domain/referentiel.ts';
import { refId } from '../domain/text.ts';
import * as z from '../domain/zod.ts';

/**
 * The route table: every HTTP route of the API, once. The CDK stack, the local
 * gateway and the OpenAPI document are all derived from it, so they cannot drift.
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
  summary: string;
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
  response: { status: 200 | 201; description: string; schema: z.ZodMiniType };
  /** Problem statuses this route can answer, besides 500. */
  problems: number[];
}

function route<const R extends RouteSpec>(spec: R): R {
  return spec;
}

export const HealthSchema = z
  .object({ status: z.literal('ok') })
  .register(z.globalRegistry, { id: 'Health' });

export const MeSchema = z
  .object({
    sub: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    organisationId: z.string(),
  })
  .register(z.globalRegistry, { id: 'Me' });

const AUTH_PROBLEMS = [401, 403];
const CASE_PROBLEMS = [400, 401, 403, 404];
const CASE_PERMISSIONS: Permission[] = ['table:read', 'table:write'];

const CaseParams = z.object({ caseId: CaseIdSchema });

/** `If-Match: "<version>"` (quotes optional, weak tag accepted) → the version as a number. */
const IfMatch = z
  .optional(
    z.pipe(
      z.string().check(z.regex(/^(W\/)?"?\d{1,9}"?$/, 'Expected a case version such as "3"')),
      z.transform((value) => Number(value.replace(/\D/g, ''))),
    ),
  )
  .register(z.globalRegistry, {
    description: 'The version the change was computed from; 412 when the case has moved on',
  });

const IdempotencyKey = z
  .optional(z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/, 'Printable ASCII, 1 to 255 characters')))
  .register(z.globalRegistry, {
    description: 'A retry with the same key and body returns the first answer and changes nothing',
  });

const DocumentParams = z.object({ caseId: CaseIdSchema, documentId: DocumentIdSchema });
const DOCUMENT_PERMISSIONS: Permission[] = ['table:read', 'table:write', 'documents:read', 'documents:write'];

const ADMIN_PERMISSIONS: Permission[] = ['table:read', 'table:write', 'users:admin'];

export const CaseListSchema = z
  .object({ items: z.array(CaseSchema), nextCursor: z.nullable(z.string()) })
  .register(z.globalRegistry, { id: 'CaseList' });

export const routes = {
  getHealth: route({
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    summary: 'Liveness of the API',
    auth: 'none',
    handler: 'functions/api/get-health.handler.ts',
    group: 'public',
    permissions: [],
    response: { status: 200, description: 'The API answers', schema: HealthSchema },
    problems: [],
  }),
  getOpenApi: route({
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    auth: 'none',
    handler: 'functions/api/get-openapi.handler.ts',
    group: 'public',
    permissions: [],
    response: {
      status: 200,
      description: 'The OpenAPI document',
      schema: z
        .object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }) })
        .register(z.globalRegistry, { id: 'OpenApiDocument' }),
    },
    problems: [],
  }),
  getMe: route({
    operationId: 'getMe',
    method: 'GET',
    path: '/me',
    summary: 'The caller: identity, role and organisation',
    auth: 'jwt',
    handler: 'functions/api/get-me.handler.ts',
    group: 'identity',
    permissions: [],
    response: { status: 200, description: 'The caller', schema: MeSchema },
    problems: AUTH_PROBLEMS,
  }),
  getPreferences: route({
    operationId: 'getPreferences',
    method: 'GET',
    path: '/me/preferences',
    summary: 'The caller’s mail preferences',
    auth: 'jwt',
    handler: 'functions/api/get-preferences.handler.ts',
    group: 'preferences',
    permissions: ['table:read'],
    response: {
      status: 200,
      description: 'The preferences',
      schema: z.omit(PreferencesSchema, { action: true }),
    },
    problems: AUTH_PROBLEMS,
  }),
  putPreferences: route({
    operationId: 'putPreferences',
    method: 'PUT',
    path: '/me/preferences',
    summary: 'Information mails at once or in a daily digest (action mails cannot be turned off)',
    auth: 'jwt',
    handler: 'functions/api/put-preferences.handler.ts',
    group: 'preferences',
    permissions: ['table:read', 'table:write'],
    request: { body: PreferencesSchema },
    response: {
      status: 200,
      description: 'The preferences',
      schema: z.omit(PreferencesSchema, { action: true }),
    },
    problems: [400, 401, 403],
  }),
  getReferentiel: route({
    operationId: 'getReferentiel',
    method: 'GET',
    path: '/referentiel',
    summary: 'Centres, federations, partenaires and prestataires of the dispositif',
    auth: 'jwt',
    handler: 'functions/api/get-referentiel.handler.ts',
    group: 'identity',
    permissions: ['table:read'],
    response: { status: 200, description: 'The reference data', schema: ReferentielSchema },
    problems: AUTH_PROBLEMS,
  }),
  createCase: route({
    operationId: 'createCase',
    method: 'POST',
    path: '/cases',
    summary: 'Open a case for one of the caller’s centres (gestionnaire)',
    auth: 'jwt',
    handler: 'functions/api/create-case.handler.ts',
    group: 'cases',
    permissions: CASE_PERMISSIONS,
    request: {
      body: z
        .strictObject({ centreId: refId(), fiche: z.optional(FicheDraftSchema) })
        .register(z.globalRegistry, { id: 'NewCase' }),
      headers: z.object({ 'idempotency-key': IdempotencyKey }),
    },
    response: { status: 201, description: 'The case, in brouillon', schema: CaseSchema },
    problems: [400, 401, 403, 422],
  }),
  listCases: route({
    operationId: 'listCases',
    method: 'GET',
    path: '/cases',
    summary: 'The cases the caller may see, newest first',
    auth: 'jwt',
    handler: 'functions/api/list-cases.handler.ts',
    group: 'cases',
    permissions: ['table:read'],
    request: {
      query: z.object({
        status: z.optional(CaseStatusSchema),
        overdue: z
          .pipe(
            z.optional(z.enum(['true', 'false'], { error: 'Expected true or false' })),
            z.transform((value) => value === 'true'),
          )
          .register(z.globalRegistry, { description: 'true: only the cases whose current step is overdue' }),
        limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
        cursor: z.optional(z.string().check(z.maxLength(2000))),
      }),
    },
    response: { status: 200, description: 'A page of cases', schema: CaseListSchema },
    problems: [400, 401, 403],
  }),
  getCase: route({
    operationId: 'getCase',
    method: 'GET',
    path: '/cases/{caseId}',
    summary: 'One case, as the caller may see it',
    auth: 'jwt',
    handler: 'functions/api/get-case.handler.ts',
    group: 'cases',
    permissions: ['table:read'],
    request: { params: CaseParams },
    response: { status: 200, description: 'The case (ETag: its version)', schema: CaseSchema },
    problems: [401, 403, 404],
  }),
  putFiche: route({
    operationId: 'putFiche',
    method: 'PUT',
    path: '/cases/{caseId}/fiche',
    summary: 'Replace the draft fiche (gestionnaire, while brouillon)',
    auth: 'jwt',
    handler: 'functions/api/put-fiche.handler.ts',
    group: 'cases',
    permissions: CASE_PERMISSIONS,
    request: { params: CaseParams, body: FicheDraftSchema, headers: z.object({ 'if-match': IfMatch }) },
    response: { status: 200, description: 'The case with its new fiche', schema: CaseSchema },
    problems: [...CASE_PROBLEMS, 409, 412, 422],
  }),
  postEvent: route({
    operationId: 'postEvent',
    method: 'POST',
    path: '/cases/{caseId}/events',
    summary: 'Send an event of the procedure',
    auth: 'jwt',
    handler: 'functions/api/post-event.handler.ts',
    group: 'cases',
    permissions: CASE_PERMISSIONS,
    request: {
      params: CaseParams,
      body: CaseEventBodySchema,
      headers: z.object({ 'if-match': IfMatch, 'idempotency-key': IdempotencyKey }),
    },
    response: { status: 200, description: 'The case after the event', schema: CaseSchema },
    problems: [...CASE_PROBLEMS, 409, 412, 422],
  }),
  getHistory: route({
    operationId: 'getHistory',
    method: 'GET',
    path: '/cases/{caseId}/history',
    summary: 'The case’s events, oldest first, hash-chained',
    auth: 'jwt',
    handler: 'functions/api/get-history.handler.ts',
    group: 'cases',
    permissions: ['table:read'],
    request: { params: CaseParams },
    response: {
      status: 200,
      description: 'The history, redacted for the caller',
      schema: z.object({ items: z.array(HistoryEventSchema) }).register(z.globalRegistry, { id: 'History' }),
    },
    problems: [401, 403, 404],
  }),
  requestUpload: route({
    operationId: 'requestUpload',
    method: 'POST',
    path: '/cases/{caseId}/documents',
    summary: 'Record a document and get a presigned POST to upload it straight to S3',
    auth: 'jwt',
    handler: 'functions/api/request-upload.handler.ts',
    group: 'documents',
    permissions: DOCUMENT_PERMISSIONS,
    request: { params: CaseParams, body: NewDocumentSchema },
    response: {
      status: 201,
      description: 'The pending document, and the form to POST the file with (15 minutes)',
      schema: z
        .object({
          document: DocumentSchema,
          upload: z.object({
            method: z.literal('POST'),
            url: z.string(),
            fields: z.record(z.string(), z.string()),
            expiresAt: z.string(),
          }),
        })
        .register(z.globalRegistry, { id: 'UploadTicket' }),
    },
    problems: [...CASE_PROBLEMS, 409],
  }),
  confirmUpload: route({
    operationId: 'confirmUpload',
    method: 'POST',
    path: '/cases/{caseId}/documents/{documentId}/confirm',
    summary: 'Check the uploaded file (size, type, content) and make the document available (uploader)',
    auth: 'jwt',
    handler: 'functions/api/confirm-upload.handler.ts',
    group: 'documents',
    permissions: DOCUMENT_PERMISSIONS,
    request: { params: DocumentParams },
    response: {
      status: 200,
      description: 'The available document',
      schema: z.object({ document: DocumentSchema }).register(z.globalRegistry, { id: 'ConfirmedDocument' }),
    },
    problems: [401, 403, 404, 409, 422],
  }),
  listDocuments: route({
    operationId: 'listDocuments',
    method: 'GET',
    path: '/cases/{caseId}/documents',
    summary: 'The documents of the case this caller may see',
    auth: 'jwt',
    handler: 'functions/api/list-documents.handler.ts',
    group: 'documents',
    permissions: ['table:read'],
    request: { params: CaseParams },
    response: {
      status: 200,
      description: 'The visible documents',
      schema: z.object({ items: z.array(DocumentSchema) }).register(z.globalRegistry, { id: 'DocumentList' }),
    },
    problems: [401, 403, 404],
  }),
  downloadDocument: route({
    operationId: 'downloadDocument',
    method: 'GET',
    path: '/cases/{caseId}/documents/{documentId}',
    summary: 'A download link (5 minutes), written to the access log first',
    auth: 'jwt',
    handler: 'functions/api/download-document.handler.ts',
    group: 'documents',
    permissions: ['table:read', 'table:write', 'documents:read'],
    request: { params: DocumentParams },
    response: {
      status: 200,
      description: 'The document and its presigned GET',
      schema: z
        .object({ document: DocumentSchema, downloadUrl: z.string(), expiresAt: z.string() })
        .register(z.globalRegistry, { id: 'DownloadLink' }),
    },
    problems: [401, 403, 404, 409],
  }),
  listCaseMails: route({
    operationId: 'listCaseMails',
    method: 'GET',
    path: '/cases/{caseId}/mails',
    summary: 'The mails of a case: to whom, which, and whether they left (coordinateur)',
    auth: 'jwt',
    handler: 'functions/api/list-case-mails.handler.ts',
    group: 'cases',
    permissions: ['table:read'],
    request: { params: CaseParams },
    response: {
      status: 200,
      description: 'Every mail of the case, oldest first',
      schema: z.object({ items: z.array(MailLogEntrySchema) }).register(z.globalRegistry, { id: 'MailLog' }),
    },
    problems: [401, 403, 404],
  }),
  getAccessLog: route({
    operationId: 'getAccessLog',
    method: 'GET',
    path: '/cases/{caseId}/access-log',
    summary: 'Who obtained which download link, when, a page at a time (gestionnaire, coordinateur)',
    auth: 'jwt',
    handler: 'functions/api/get-access-log.handler.ts',
    group: 'documents',
    permissions: ['table:read'],
    request: {
      params: CaseParams,
      query: z.object({
        limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
        cursor: z.optional(z.string().check(z.maxLength(2000))),
      }),
    },
    response: {
      status: 200,
      description: 'A page of the access log, oldest first; nextCursor reads the next one',
      schema: z
        .object({ items: z.array(AccessLogEntrySchema), nextCursor: z.nullable(z.string()) })
        .register(z.globalRegistry, { id: 'AccessLog' }),
    },
    problems: [400, 401, 403, 404],
  }),
  listUsers: route({
    operationId: 'listUsers',
    method: 'GET',
    path: '/admin/users',
    summary: 'The users of the tenant and their memberships (coordinateur)',
    auth: 'jwt',
    handler: 'functions/api/list-users.handler.ts',
    group: 'admin',
    permissions: ['table:read'],
    response: {
      status: 200,
      description: 'The users, by email',
      schema: z.object({ items: z.array(UserSchema) }).register(z.globalRegistry, { id: 'UserList' }),
    },
    problems: AUTH_PROBLEMS,
  }),
  inviteUser: route({
    operationId: 'inviteUser',
    method: 'POST',
    path: '/admin/users',
    summary:
      'Create an account with its membership; the identity provider sends the invitation (coordinateur)',
    auth: 'jwt',
    handler: 'functions/api/invite-user.handler.ts',
    group: 'admin',
    permissions: ADMIN_PERMISSIONS,
    request: { body: InvitationSchema },
    response: { status: 201, description: 'The user, invited', schema: UserSchema },
    problems: [400, 401, 403, 409, 422, 503],
  }),
  changeUser: route({
    operationId: 'changeUser',
    method: 'PATCH',
    path: '/admin/users/{userId}',
    summary: 'Change a user’s role or organisation, or disable (enable) the user (coordinateur)',
    auth: 'jwt',
    handler: 'functions/api/change-user.handler.ts',
    group: 'admin',
    permissions: ADMIN_PERMISSIONS,
    request: { params: z.object({ userId: UserIdSchema }), body: MembershipPatchSchema },
    response: { status: 200, description: 'The user, changed', schema: UserSchema },
    problems: [400, 401, 403, 404, 409, 422, 503],
  }),
  listMembershipChanges: route({
    operationId: 'listMembershipChanges',
    method: 'GET',
    path: '/admin/membership-changes',
    summary: 'Who changed which membership, from what to what, when; newest first (coordinateur)',
    auth: 'jwt',
    handler: 'functions/api/list-membership-changes.handler.ts',
    group: 'admin',
    permissions: ['table:read'],
    request: {
      query: z.object({
        limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
        cursor: z.optional(z.string().check(z.maxLength(2000))),
      }),
    },
    response: {
      status: 200,
      description: 'A page of the membership journal',
      schema: z
        .object({ items: z.array(MembershipChangeSchema), nextCursor: z.nullable(z.string()) })
        .register(z.globalRegistry, { id: 'MembershipChangeList' }),
    },
    problems: [400, 401, 403],
  }),
} as const;

export const routeList: RouteSpec[] = Object.values(routes);
