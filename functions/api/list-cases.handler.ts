import { listCases } from '../../shared/cases/read-cases.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { caseDeps } from './case-deps.ts';

export const handler = apiHandler(routes.listCases, async ({ caller, query }) => ({
  body: await listCases(caseDeps, caller, query),
}));
