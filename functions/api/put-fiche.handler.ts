import { changeCase } from '../../shared/cases/change-case.ts';
import { visibleCase } from '../../shared/cases/visible-case.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { caseDeps } from './case-deps.ts';

export const handler = apiHandler(routes.putFiche, async ({ caller, params, input }) => {
  const found = await visibleCase(caseDeps, caller, params.caseId);
  const { body, headers } = input();
  const changed = await changeCase(caseDeps, {
    caller,
    found,
    body: { type: 'UPDATE_FICHE', fiche: body },
    ifMatch: headers['if-match'],
    request: { route: 'putFiche', caseId: params.caseId, body },
  });
  return { body: changed, headers: { etag: `"${changed.version}"` } };
});
