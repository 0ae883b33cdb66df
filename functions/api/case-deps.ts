import type { CaseDeps } from '../../shared/cases/ports.ts';
import { config } from '../../shared/config.ts';
import { DEFAULT_DELAIS } from '../../shared/domain/delais.ts';
import { newId } from '../../shared/domain/ids.ts';
import { createCaseRepository } from '../../shared/store/case-repository.ts';
import { createDocumentClient } from '../../shared/store/dynamo.ts';
import { containerReferentiel } from './referentiel-deps.ts';

/** The composition root of the case handlers: adapters created once per container. */
const db = createDocumentClient();
const { TABLE_NAME, CURSOR_SECRET, DELAIS_JSON } = config();

const now = () => new Date();
const repository = createCaseRepository(db, TABLE_NAME, now);

export const caseDeps: CaseDeps = {
  cases: repository,
  documents: repository,
  idempotency: repository,
  referentiel: containerReferentiel,
  now,
  newCaseId: () => newId('c'),
  newDocumentId: () => newId('d'),
  delais: DELAIS_JSON ?? DEFAULT_DELAIS,
  cursorSecret: CURSOR_SECRET,
};
