import { startCase } from '../../workflows/case-workflow.ts';
import { actorOf, caseView, mayOpenCaseFor, mayOpenCases, viewerKeysOf } from '../access/policy.ts';
import type { Caller } from '../domain/caller.ts';
import type { CaseRecord, CaseView } from '../domain/case.ts';
import { NotAllowedError, RuleViolationError } from '../domain/errors.ts';
import type { FicheDraft } from '../domain/fiche.schema.ts';
import { chainEvent, GENESIS_HASH } from '../domain/history-chain.ts';
import { unknownFicheReferences } from './facts.ts';
import { answerOfFirst, checkIdempotency, idempotencyRecord } from './idempotency.ts';
import type { CaseDeps } from './ports.ts';

export interface CreateCaseRequest {
  caller: Caller;
  body: { centreId: string; fiche?: FicheDraft };
  idempotencyKey?: string;
}

/**
 * A gestionnaire opens a case for its centre, the request read beforehand (400). Primary course:
 * 1. only a gestionnaire opens cases (403)
 * 2. the centre must exist (422) and be the caller's or its federation's (403); the fiche names
 *    known partenaires only (422)
 * 3. a request already answered under its Idempotency-Key gets that answer back (422 if it differs)
 * 4. start the machine; commit the case, its first history event, its listing entries and the
 *    idempotency record in one transaction
 */
export async function createCase(
  deps: CaseDeps,
  { caller, body, idempotencyKey }: CreateCaseRequest,
): Promise<CaseView> {
  if (!mayOpenCases(caller)) throw new NotAllowedError(`A ${caller.role} cannot open a case.`);
  const referentiel = await deps.referentiel(caller.tenant);
  const centre = referentiel.centres.find((c) => c.id === body.centreId);
  if (!centre) {
    throw new RuleViolationError(`Unknown centre ${body.centreId}.`, [
      { path: 'body.centreId', message: `Unknown centre ${body.centreId}` },
    ]);
  }
  if (!mayOpenCaseFor(caller, centre)) throw new NotAllowedError(`The centre ${centre.id} is not yours.`);
  const fiche = body.fiche ?? {};
  const unknown = unknownFicheReferences(fiche, referentiel, 'body.fiche');
  if (unknown.length > 0) throw new RuleViolationError('The fiche names unknown partenaires.', unknown);

  const idempotency = await checkIdempotency<CaseView>(deps, caller, {
    key: idempotencyKey,
    request: { route: 'createCase', body },
  });
  if (idempotency.kind === 'replayed') return idempotency.answer;

  const now = deps.now();
  const at = now.toISOString();
  const id = deps.newCaseId();
  const started = startCase({
    centreId: centre.id,
    ...(centre.federationId && { federationId: centre.federationId }),
    fiche,
  });
  const event = chainEvent({
    seq: 1,
    type: 'CASE_CREATED',
    at,
    actor: actorOf(caller),
    payload: { centreId: centre.id, fiche },
    prevHash: GENESIS_HASH,
  });
  const created: CaseRecord = {
    ...started,
    id,
    tenant: caller.tenant,
    centreId: centre.id,
    version: 1,
    createdAt: at,
    updatedAt: at,
    headHash: event.hash,
  };
  const answer = caseView(created, 'gestionnaire', now);
  const result = await deps.cases.commit({
    record: created,
    event,
    notifications: [],
    viewersBefore: [],
    viewersAfter: viewerKeysOf(created),
    idempotency: idempotencyRecord(idempotency.claim, answer, now),
  });
  if (result.outcome === 'committed') return answer;
  if (result.outcome === 'idempotency-conflict') return answerOfFirst(deps, caller, idempotency.claim);
  throw new Error(`Case id ${id} already taken`);
}
