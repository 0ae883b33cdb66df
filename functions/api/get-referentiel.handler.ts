import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { containerReferentiel } from './referentiel-deps.ts';

export const handler = apiHandler(routes.getReferentiel, async ({ caller }) => ({
  body: await containerReferentiel(caller.tenant),
}));
