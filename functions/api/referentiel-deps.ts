import { config } from '../../shared/config.ts';
import type { Referentiel } from '../../shared/domain/referentiel.ts';
import { cached } from '../../shared/store/cached.ts';
import { createDocumentClient } from '../../shared/store/dynamo.ts';
import { loadReferentiel } from '../../shared/store/referentiel-repository.ts';

/** How long a container keeps the referentiel: it changes with a deployment's seed, not with use. */
export const REFERENTIEL_TTL_MS = 5 * 60_000;

const db = createDocumentClient();
const { TABLE_NAME } = config();

/**
 * The referentiel of this container, read once per tenant and kept 5 minutes: one cache shared
 * by every handler module (the cases, the administration and `GET /referentiel`), as the
 * membership is.
 */
export const containerReferentiel: (tenant: string) => Promise<Referentiel> = cached(
  (tenant) => loadReferentiel(db, TABLE_NAME, tenant),
  REFERENTIEL_TTL_MS,
);
