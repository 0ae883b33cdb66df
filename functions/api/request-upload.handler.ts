import { requestUpload } from '../../shared/cases/documents.ts';
import { visibleCase } from '../../shared/cases/visible-case.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { documentDeps } from './document-deps.ts';

export const handler = apiHandler(routes.requestUpload, async ({ caller, params, input }) => {
  const found = await visibleCase(documentDeps, caller, params.caseId);
  return { body: await requestUpload(documentDeps, caller, found, input().body) };
});
