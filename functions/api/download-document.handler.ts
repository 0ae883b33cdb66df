import { downloadDocument } from '../../shared/cases/documents.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { documentDeps } from './document-deps.ts';

export const handler = apiHandler(routes.downloadDocument, async ({ caller, params }) => ({
  body: await downloadDocument(documentDeps, caller, params.caseId, params.documentId),
  headers: { 'cache-control': 'no-store' },
}));
