import { changeCase, readsForChange } from '../../shared/cases/change-case.ts';
import type { CaseReadExtras } from '../../shared/cases/ports.ts';
import { visibleCase } from '../../shared/cases/visible-case.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { caseDeps } from './case-deps.ts';

export const handler = apiHandler(routes.postEvent, async ({ caller, params, input }) => {
  // The case is read with what the event needs (its rapport, the answer under its
  // Idempotency-Key): one round trip. A request that does not parse reads the case alone, and
  // is refused by input() below only once the case is found visible (404 before 400).
  let reads: CaseReadExtras = {};
  try {
    const { body, headers } = input();
    reads = readsForChange(caller, body, headers['idempotency-key']);
  } catch {
    // Read again below, after the case: its 400 comes second.
  }
  const found = await visibleCase(caseDeps, caller, params.caseId, reads);
  const { body, headers } = input();
  const changed = await changeCase(caseDeps, {
    caller,
    found,
    body,
    ifMatch: headers['if-match'],
    idempotencyKey: headers['idempotency-key'],
    request: { route: 'postEvent', caseId: params.caseId, body },
  });
  return { body: changed, headers: { etag: `"${changed.version}"` } };
});
