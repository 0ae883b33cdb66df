import { accessLog } from '../../shared/cases/documents.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { documentDeps } from './document-deps.ts';

export const handler = apiHandler(routes.getAccessLog, async ({ caller, params, query }) => ({
  body: await accessLog(documentDeps, caller, params.caseId, query),
}));
