import { ROLES } from '../domain/caller.ts';
import { CaseSchema, HistoryEventSchema } from '../domain/case.ts';
import { AccessLogEntrySchema, DocumentSchema } from '../domain/document.ts';
import { MailLogEntrySchema } from '../domain/mail-log.ts';
import { MembershipChangeSchema, UserSchema } from '../domain/membership.ts';
import { PreferencesSchema } from '../domain/preferences.ts';
import { ReferentielSchema } from '../domain/referentiel.ts';
import * as z from '../domain/zod.ts';
import type { routes } from './routes.ts';

/**
 * What only the OpenAPI document reads of each route: its summary, the schema of its answer and
 * the problems it may answer. Keyed by the route table's operationIds, every one of them and no
 * other; no function imports it (a handler's body is typed from it with `import type`), so none
 * carries it. The document is built at build time (docs/openapi.json) by openapi.ts.
 */
export interface RouteDoc {
  summary: string;
  response: { description: string; schema: z.ZodMiniType };
  /** Problem statuses this route can answer, besides 500. */
  problems: number[];
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

export const CaseListSchema = z
  .object({ items: z.array(CaseSchema), nextCursor: z.nullable(z.string()) })
  .register(z.globalRegistry, { id: 'CaseList' });

const AUTH_PROBLEMS = [401, 403];
const CASE_PROBLEMS = [400, 401, 403, 404];

export const routeDocs = {
  getHealth: {
    summary: 'Liveness of the API',
    response: { description: 'The API answers', schema: HealthSchema },
    problems: [],
  },
  getOpenApi: {
    summary: 'This OpenAPI 3.1 document',
    response: {
      description: 'The OpenAPI document',
      schema: z
        .object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }) })
        .register(z.globalRegistry, { id: 'OpenApiDocument' }),
    },
    problems: [],
  },
  getMe: {
    summary: 'The caller: identity, role and organisation',
    response: { description: 'The caller', schema: MeSchema },
    problems: AUTH_PROBLEMS,
  },
  getPreferences: {
    summary: 'The caller’s mail preferences',
    response: { description: 'The preferences', schema: z.omit(PreferencesSchema, { action: true }) },
    problems: AUTH_PROBLEMS,
  },
  putPreferences: {
    summary: 'Information mails at once or in a daily digest (action mails cannot be turned off)',
    response: { description: 'The preferences', schema: z.omit(PreferencesSchema, { action: true }) },
    problems: [400, 401, 403],
  },
  getReferentiel: {
    summary: 'Centres, federations, partenaires and prestataires of the dispositif',
    response: { description: 'The reference data', schema: ReferentielSchema },
    problems: AUTH_PROBLEMS,
  },
  createCase: {
    summary: 'Open a case for one of the caller’s centres (gestionnaire)',
    response: { description: 'The case, in brouillon', schema: CaseSchema },
    problems: [400, 401, 403, 422],
  },
  listCases: {
    summary: 'The cases the caller may see, newest first',
    response: { description: 'A page of cases', schema: CaseListSchema },
    problems: [400, 401, 403],
  },
  getCase: {
    summary: 'One case, as the caller may see it',
    response: { description: 'The case (ETag: its version)', schema: CaseSchema },
    problems: [401, 403, 404],
  },
  putFiche: {
    summary: 'Replace the draft fiche (gestionnaire, while brouillon)',
    response: { description: 'The case with its new fiche', schema: CaseSchema },
    problems: [...CASE_PROBLEMS, 409, 412, 422],
  },
  postEvent: {
    summary: 'Send an event of the procedure',
    response: { description: 'The case after the event', schema: CaseSchema },
    problems: [...CASE_PROBLEMS, 409, 412, 422],
  },
  getHistory: {
    summary: 'The case’s events, oldest first, hash-chained',
    response: {
      description: 'The history, redacted for the caller',
      schema: z.object({ items: z.array(HistoryEventSchema) }).register(z.globalRegistry, { id: 'History' }),
    },
    problems: [401, 403, 404],
  },
  requestUpload: {
    summary: 'Record a document and get a presigned POST to upload it straight to S3',
    response: {
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
  },
  confirmUpload: {
    summary: 'Check the uploaded file (size, type, content) and make the document available (uploader)',
    response: {
      description: 'The available document',
      schema: z.object({ document: DocumentSchema }).register(z.globalRegistry, { id: 'ConfirmedDocument' }),
    },
    problems: [401, 403, 404, 409, 422],
  },
  listDocuments: {
    summary: 'The documents of the case this caller may see',
    response: {
      description: 'The visible documents',
      schema: z.object({ items: z.array(DocumentSchema) }).register(z.globalRegistry, { id: 'DocumentList' }),
    },
    problems: [401, 403, 404],
  },
  downloadDocument: {
    summary: 'A download link (5 minutes), written to the access log first',
    response: {
      description: 'The document and its presigned GET',
      schema: z
        .object({ document: DocumentSchema, downloadUrl: z.string(), expiresAt: z.string() })
        .register(z.globalRegistry, { id: 'DownloadLink' }),
    },
    problems: [401, 403, 404, 409],
  },
  listCaseMails: {
    summary: 'The mails of a case: to whom, which, and whether they left (coordinateur)',
    response: {
      description: 'Every mail of the case, oldest first',
      schema: z.object({ items: z.array(MailLogEntrySchema) }).register(z.globalRegistry, { id: 'MailLog' }),
    },
    problems: [401, 403, 404],
  },
  getAccessLog: {
    summary: 'Who obtained which download link, when, a page at a time (gestionnaire, coordinateur)',
    response: {
      description: 'A page of the access log, oldest first; nextCursor reads the next one',
      schema: z
        .object({ items: z.array(AccessLogEntrySchema), nextCursor: z.nullable(z.string()) })
        .register(z.globalRegistry, { id: 'AccessLog' }),
    },
    problems: [400, 401, 403, 404],
  },
  listUsers: {
    summary: 'The users of the tenant and their memberships (coordinateur)',
    response: {
      description: 'The users, by email',
      schema: z.object({ items: z.array(UserSchema) }).register(z.globalRegistry, { id: 'UserList' }),
    },
    problems: AUTH_PROBLEMS,
  },
  inviteUser: {
    summary:
      'Create an account with its membership; the identity provider sends the invitation (coordinateur)',
    response: { description: 'The user, invited', schema: UserSchema },
    problems: [400, 401, 403, 409, 422, 503],
  },
  changeUser: {
    summary: 'Change a user’s role or organisation, or disable (enable) the user (coordinateur)',
    response: { description: 'The user, changed', schema: UserSchema },
    problems: [400, 401, 403, 404, 409, 422, 503],
  },
  listMembershipChanges: {
    summary: 'Who changed which membership, from what to what, when; newest first (coordinateur)',
    response: {
      description: 'A page of the membership journal',
      schema: z
        .object({ items: z.array(MembershipChangeSchema), nextCursor: z.nullable(z.string()) })
        .register(z.globalRegistry, { id: 'MembershipChangeList' }),
    },
    problems: [400, 401, 403],
  },
} satisfies Record<keyof typeof routes, RouteDoc>;

export type RouteDocs = typeof routeDocs;
