import type {
  CaseEventBody,
  CaseMachineEvent,
  InternalEventBody,
} from '../../workflows/case-events.schema.ts';
import { applyEvent, checkEvent } from '../../workflows/case-workflow.ts';
import { actorOf, caseView, relationTo, viewerKeysOf } from '../access/policy.ts';
import type { Caller } from '../domain/caller.ts';
import type { CaseRecord, CaseView } from '../domain/case.ts';
import { deadlineOf, REVISION_EVENT } from '../domain/delais.ts';
import {
  NotAllowedError,
  NotFoundError,
  NotPossibleNowError,
  RuleViolationError,
  StaleVersionError,
} from '../domain/errors.ts';
import { chainEvent } from '../domain/history-chain.ts';
import { processCaseTurns } from './case-turns.ts';
import { DEFAULT_CONTENTION, pauseBeforeRetry } from './contention.ts';
import { factsFor, unknownFicheReferences } from './facts.ts';
import { answerOfFirst, checkIdempotency, idempotencyRecord } from './idempotency.ts';
import type { CaseChange, CaseDeps, CaseReadExtras } from './ports.ts';
import { type VisibleCase, visibleCase } from './visible-case.ts';

export interface ChangeRequest {
  caller: Caller;
  /** The case, found visible before the request was read (a 404 comes before any 400). */
  found: VisibleCase;
  /** The event, or the fiche replaced (UPDATE_FICHE), as read from the request. */
  body: CaseEventBody | InternalEventBody;
  /** The version the caller computed the change from (If-Match), if it said. */
  ifMatch?: number;
  idempotencyKey?: string;
  /** The request as sent (route, case, body), to recognise a retry under the same Idempotency-Key. */
  request: unknown;
}

/**
 * What a change reads with its case in the same round trip: the rapport SUBMIT_RAPPORT names and
 * the answer stored under the caller's Idempotency-Key. The handler asks for them when it finds
 * the case, so that an event costs one read and one write.
 */
export function readsForChange(
  caller: Caller,
  body: ChangeRequest['body'],
  idempotencyKey: string | undefined,
): CaseReadExtras {
  return {
    ...(body.type === 'SUBMIT_RAPPORT' && { documentId: body.documentId }),
    ...(idempotencyKey && { idempotency: { sub: caller.sub, key: idempotencyKey } }),
  };
}

/**
 * One change of a case through the machine (an event, or the fiche replaced), once the handler
 * has found the case visible (404) and read the request (400). Primary course:
 * 1. a request already answered under its Idempotency-Key gets that answer back (422 if it differs)
 * 2. the sender's relation and the status (403, 409); If-Match (412)
 * 3. look up the guards' facts and run the pure transition (422 with the reasons); a new status
 *    opens its step's due date (DESIGN.md §3)
 * 4. commit case, history event, outbox, listing entries and idempotency record in one transaction
 * 5. on a lost race: 412 with If-Match, else start again from 2 on the case as the refusal
 *    returned it (404 once it is no longer visible), after a pause that grows with each loss
 *    (capped exponential backoff with full jitter), within a time budget (then 409)
 * Steps 2 to 5 run in this case's turn (case-turns.ts): the writers of one case in one process
 * wait in line, each starting from what the one before committed, instead of racing.
 */
export async function changeCase(
  deps: CaseDeps,
  { caller, found, body, ifMatch, idempotencyKey, request }: ChangeRequest,
): Promise<CaseView> {
  const idempotency = await checkIdempotency<CaseView>(deps, caller, {
    key: idempotencyKey,
    request,
    ...(found.extras?.idempotency?.key === idempotencyKey && { stored: { answer: found.idempotent } }),
  });
  if (idempotency.kind === 'replayed') return idempotency.answer;

  const contention = deps.contention ?? DEFAULT_CONTENTION;
  const turns = deps.turns ?? processCaseTurns;
  const key = `${caller.tenant}#${found.record.id}`;
  // The budget counts the wait in line too: a writer stuck ahead does not hold this one past it.
  const started = Date.now();
  return turns.take(key, contention.budgetMs, async (latest) => {
    let current = found;
    if (latest && latest.version > found.record.version) {
      // A writer of this process committed since the case was read: start from what it left.
      current = seen(caller, found, latest);
      // That writer may have been this very request, sent twice under one key: its answer.
      if (idempotency.claim) {
        const again = await checkIdempotency<CaseView>(deps, caller, { key: idempotencyKey, request });
        if (again.kind === 'replayed') return { value: again.answer };
      }
    }
    for (let attempt = 0; ; attempt++) {
      const now = deps.now();
      const { change, answer } = await decide(deps, caller, current, { body, ifMatch, now });
      const tried = Date.now();
      const result = await deps.cases.commit({
        ...change,
        idempotency: idempotencyRecord(idempotency.claim, answer, now),
      });
      if (result.outcome === 'committed') return { value: answer, committed: change.record };
      if (result.outcome === 'idempotency-conflict') {
        return { value: await answerOfFirst<CaseView>(deps, caller, idempotency.claim) };
      }
      if (ifMatch !== undefined) {
        throw new StaleVersionError('The case changed while this request was processed.');
      }
      const commitMs = Date.now() - tried;
      const paused = await pauseBeforeRetry(attempt, started, contention, commitMs);
      if (paused === undefined) throw new NotPossibleNowError('Too many concurrent changes; try again.');
      // The case the refusal returned is as fresh as a read only if the pause was shorter than a
      // commit: after a longer one, other writers have most likely moved it on, so read it again.
      current = await againstFresh(deps, caller, current, paused <= commitMs ? result.current : undefined);
    }
  });
}

/** The case found, as a newer record of it stands for the caller (404 once it no longer sees it). */
function seen(caller: Caller, found: VisibleCase, record: CaseRecord): VisibleCase {
  const relation = relationTo(caller, record);
  if (!relation) throw new NotFoundError(`No case ${found.record.id}.`);
  return { ...found, record, relation };
}

/**
 * The case to try again on: the one the refusal returned, else read anew (DynamoDB's
 * TransactionConflict returns none); the rapport read the first time still holds (a document
 * never becomes unavailable again). 404 once the caller no longer sees the case.
 */
async function againstFresh(
  deps: CaseDeps,
  caller: Caller,
  previous: VisibleCase,
  returned: CaseRecord | undefined,
): Promise<VisibleCase> {
  if (returned) return seen(caller, previous, returned);
  const { document } = previous;
  return { ...(await visibleCase(deps, caller, previous.record.id)), ...(document && { document }) };
}

/**
 * Steps 2 and 3 on one reading of the case: the checks in their order, then the transition.
 * The change to commit, and the answer the caller gets once it is committed.
 */
async function decide(
  deps: CaseDeps,
  caller: Caller,
  found: VisibleCase,
  { body, ifMatch, now }: { body: ChangeRequest['body']; ifMatch?: number; now: Date },
): Promise<{ change: Omit<CaseChange, 'idempotency'>; answer: CaseView }> {
  const { record, relation } = found;
  const at = now.toISOString();
  const sent = { ...body, actor: actorOf(caller), relation, at } as CaseMachineEvent;
  const check = checkEvent(record, sent);
  if (!check.ok && check.reason === 'forbidden') {
    throw new NotAllowedError(`A ${relation} cannot send ${body.type} on this case.`);
  }
  if (!check.ok)
    throw new NotPossibleNowError(`${body.type} is not possible while the case is ${record.status}.`);
  if (ifMatch !== undefined && ifMatch !== record.version) {
    throw new StaleVersionError(`The case is at version ${record.version}, not ${ifMatch}.`);
  }
  // The guards' facts are looked up only for an event that passed the checks above.
  const event = { ...sent, facts: await factsFor(deps, record, body, found) } as CaseMachineEvent;
  if (body.type === 'UPDATE_FICHE') {
    const unknown = unknownFicheReferences(body.fiche, await deps.referentiel(caller.tenant), 'body');
    if (unknown.length > 0) throw new RuleViolationError('The fiche names unknown partenaires.', unknown);
  }
  const outcome = applyEvent(record, event);
  if (!outcome.applied) {
    const reasons = outcome.violations.map((v) => v.message).join('; ');
    throw new RuleViolationError(`${body.type} refused: ${reasons}.`, outcome.violations);
  }

  const { type, ...payload } = body;
  const historyEvent = chainEvent({
    seq: record.version + 1,
    type,
    at,
    actor: actorOf(caller),
    payload:
      type === 'OPEN_SAISINE'
        ? { ...payload, consultedPartenaireIds: outcome.next.context.consultedPartenaireIds }
        : payload,
    prevHash: record.headHash,
  });
  // A step keeps its due date while the case waits on it; a change of status opens the next one.
  const { deadline: current, ...unchanged } = record;
  const deadline =
    outcome.next.status === record.status
      ? current
      : deadlineOf(
          outcome.next.status,
          { openedAt: at, nature: outcome.next.context.fiche.nature, afterRevision: type === REVISION_EVENT },
          deps.delais,
        );
  const next: CaseRecord = {
    ...unchanged,
    ...outcome.next,
    version: record.version + 1,
    updatedAt: at,
    headHash: historyEvent.hash,
    ...(deadline && { deadline }),
  };
  const after = relationTo(caller, next);
  if (!after) throw new Error(`${caller.role} lost sight of case ${record.id} by its own change`);
  return {
    change: {
      record: next,
      expectedVersion: record.version,
      previousStatus: record.status,
      event: historyEvent,
      notifications: outcome.notifications,
      viewersBefore: viewerKeysOf(record),
      viewersAfter: viewerKeysOf(next),
    },
    answer: caseView(next, after, now),
  };
}
