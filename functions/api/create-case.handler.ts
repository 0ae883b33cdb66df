import { createCase } from '../../shared/cases/create-case.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { routes } from '../../shared/http/routes.ts';
import { caseDeps } from './case-deps.ts';

export const handler = apiHandler(routes.createCase, async ({ caller, input }) => {
  const created = await createCase(caseDeps, {
    caller,
    read: () => {
      const { body, headers } = input();
      return { body, idempotencyKey: headers['idempotency-key'] };
    },
  });
  return { body: created };
});
