import { confirmUpload } from '../../shared/cases/documents.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { documentDeps } from './document-deps.ts';

export const handler = apiHandler(routes.confirmUpload, async ({ caller, params }) => ({
  body: { document: await confirmUpload(documentDeps, caller, params.caseId, params.documentId) },
}));
