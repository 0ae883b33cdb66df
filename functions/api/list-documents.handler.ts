import { listDocuments } from '../../shared/cases/documents.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { documentDeps } from './document-deps.ts';

export const handler = apiHandler(routes.listDocuments, async ({ caller, params }) => ({
  body: { items: await listDocuments(documentDeps, caller, params.caseId) },
}));
