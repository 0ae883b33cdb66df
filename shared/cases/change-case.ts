import type {
  CaseEventBody,
  CaseMachineEvent,
  InternalEventBody,
} from '../../workflows/case-events.schema.ts';
import { applyEvent, checkEvent } from '../../workflows/case-workflow.ts';
import { actorOf, caseView, relationTo, viewerKeysOf } from '../access/policy.ts';
import type { Caller } from '../domain/caller.ts';
import type { CaseRecord, CaseView } from '../domain/case.ts';
import {
  NotAllowedError,
  NotPossibleNowError,
  RuleViolationError,
  StaleVersionError,
} from '../domain/errors.ts';
import { chainEvent } from '../domain/history-chain.ts';
import { factsFor, unknownFicheReferences } from './facts.ts';
import { idempotent } from './idempotency.ts';
import type { CaseDeps } from './ports.ts';
import { visibleCase } from './visible-case.ts';

export interface ChangeRequest {
  caller: Caller;
  caseId: string;
  /** Reads the request (400 when malformed); called only once the case is found visible. */
  read: () => { body: CaseEventBody | InternalEventBody; ifMatch?: number; idempotencyKey?: string };
  /** The request as a whole (route and body), to recognise a retry under the same Idempotency-Key. */
  request: () => unknown;
}

/** A lost race is retried against the fresh case; past this many tries the caller gets a 409. */
const MAX_ATTEMPTS = 40;

const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 5 * (attempt + 1))));

/**
 * One change of a case through the machine (an event, or the fiche replaced).
 * 1. load the case; 404 unless the caller may see it
 * 2. read the request (400); role and status checks (403, 409); If-Match (412)
 * 3. look up the guards' facts and run the pure transition (422 with the reasons)
 * 4. commit case, history event, outbox and listing entries in one transaction
 * 5. on a lost race: 412 with If-Match, else start again from 1 with the fresh case
 */
export async function changeCase(
  deps: CaseDeps,
  { caller, caseId, read, request }: ChangeRequest,
): Promise<CaseView> {
  const load = () => visibleCase(deps, caller, caseId);
  // The first read decides 404 and 400 before the idempotency record is consulted.
  const first = await load();
  const { idempotencyKey } = read();

  return idempotent(deps, caller, { key: idempotencyKey, request: request() }, async (idempotencyRecord) => {
    let { record, relation } = first;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) ({ record, relation } = await load());
      const { body, ifMatch } = read();
      const at = deps.now().toISOString();
      const event = {
        ...body,
        actor: actorOf(caller),
        relation,
        at,
        facts: await factsFor(deps, record, body),
      } as CaseMachineEvent;

      const check = checkEvent(record, event);
      if (!check.ok && check.reason === 'forbidden') {
        throw new NotAllowedError(`A ${relation} cannot send ${body.type} on this case.`);
      }
      if (!check.ok)
        throw new NotPossibleNowError(`${body.type} is not possible while the case is ${record.status}.`);
      if (ifMatch !== undefined && ifMatch !== record.version) {
        throw new StaleVersionError(`The case is at version ${record.version}, not ${ifMatch}.`);
      }
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
      const next: CaseRecord = {
        ...record,
        ...outcome.next,
        version: record.version + 1,
        updatedAt: at,
        headHash: historyEvent.hash,
      };
      const after = relationTo(caller, next);
      if (!after) throw new Error(`${caller.role} lost sight of case ${caseId} by its own change`);
      const answer = caseView(next, after);
      const result = await deps.cases.commit({
        record: next,
        expectedVersion: record.version,
        previousStatus: record.status,
        event: historyEvent,
        notifications: outcome.notifications,
        viewersBefore: viewerKeysOf(record),
        viewersAfter: viewerKeysOf(next),
        idempotency: idempotencyRecord(answer),
      });
      if (result === 'committed') return answer;
      if (result === 'idempotency-conflict') return 'replay';
      if (ifMatch !== undefined) {
        throw new StaleVersionError('The case changed while this request was processed.');
      }
      if (attempt + 1 >= MAX_ATTEMPTS)
        throw new NotPossibleNowError('Too many concurrent changes; try again.');
      await pause(attempt);
    }
  });
}
