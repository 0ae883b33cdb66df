import { createCase } from '../../shared/cases/create-case.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { caseDeps } from './case-deps.ts';

export const handler = apiHandler(routes.createCase, async ({ caller, input }) => {
  const { body, headers } = input();
  return { body: await createCase(caseDeps, { caller, body, idempotencyKey: headers['idempotency-key'] }) };
});
