import { changeCase } from '../../shared/cases/change-case.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { routes } from '../../shared/http/routes.ts';
import { caseDeps } from './case-deps.ts';

export const handler = apiHandler(routes.postEvent, async ({ caller, params, input }) => {
  const changed = await changeCase(caseDeps, {
    caller,
    caseId: params.caseId,
    read: () => {
      const { body, headers } = input();
      return { body, ifMatch: headers['if-match'], idempotencyKey: headers['idempotency-key'] };
    },
    request: () => ({ route: 'postEvent', caseId: params.caseId, body: input().body }),
  });
  return { body: changed, headers: { etag: `"${changed.version}"` } };
});
