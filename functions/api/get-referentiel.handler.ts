import { config } from '../../shared/config.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import { routes } from '../../shared/http/routes.ts';
import { createDocumentClient } from '../../shared/store/dynamo.ts';
import { createReferentielRepository } from '../../shared/store/referentiel-repository.ts';

const referentiel = createReferentielRepository(createDocumentClient(), config().TABLE_NAME);

export const handler = apiHandler(routes.getReferentiel, async ({ caller }) => ({
  body: await referentiel.load(caller.tenant),
}));
