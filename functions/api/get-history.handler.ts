import { getHistory } from '../../shared/cases/read-cases.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { caseDeps } from './case-deps.ts';

export const handler = apiHandler(routes.getHistory, async ({ caller, params }) => ({
  body: { items: await getHistory(caseDeps, caller, params.caseId) },
}));
