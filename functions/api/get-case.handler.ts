import { getCase } from '../../shared/cases/read-cases.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { caseDeps } from './case-deps.ts';

export const handler = apiHandler(routes.getCase, async ({ caller, params }) => {
  const found = await getCase(caseDeps, caller, params.caseId);
  return { body: found, headers: { etag: `"${found.version}"` } };
});
