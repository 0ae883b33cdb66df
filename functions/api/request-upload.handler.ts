import { requestUpload } from '../../shared/cases/documents.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { routes } from '../../shared/http/routes.ts';
import { caseDeps } from './case-deps.ts';

export const handler = apiHandler(routes.requestUpload, async ({ caller, params, input }) => ({
  body: await requestUpload(caseDeps, caller, params.caseId, () => input().body),
}));
