import { initialTransition, transition } from 'xstate';
import {
  CASE_EVENT_TYPES,
  type CaseEventType,
  type CaseStatus,
  type PersistedCase,
  type Relation,
} from '../shared/domain/case.ts';
import { type CaseInput, caseMachine, type Notification } from './case.machine.ts';
import type { CaseMachineEvent } from './case-events.schema.ts';
import { explainRefusal, sentByItsSender, type Violation } from './case-rules.ts';

function restore({ status, context }: PersistedCase) {
  return caseMachine.resolveState({ value: status, context });
}

function persisted(snapshot: ReturnType<typeof restore>): PersistedCase {
  return { status: snapshot.value as CaseStatus, context: snapshot.context };
}

const eventTypesIn = (status: CaseStatus): string[] => caseMachine.root.states[status]?.ownEvents ?? [];

/** A new case in `brouillon`. */
export function startCase(input: CaseInput): PersistedCase {
  const [snapshot] = initialTransition(caseMachine, input);
  return persisted(snapshot);
}

export type EventCheck = { ok: true } | { ok: false; reason: 'forbidden' | 'not-possible' };

/**
 * The checks that come before If-Match in DESIGN.md §4: is the sender's relation to the case
 * the one that sends this event (else 403), and does the current status accept it (else 409).
 */
export function checkEvent(current: PersistedCase, event: CaseMachineEvent): EventCheck {
  if (!sentByItsSender(event)) return { ok: false, reason: 'forbidden' };
  if (!eventTypesIn(current.status).includes(event.type)) return { ok: false, reason: 'not-possible' };
  return { ok: true };
}

export type EventOutcome =
  | { applied: true; next: PersistedCase; notifications: Notification[] }
  | { applied: false; violations: Violation[] };

/** Runs the pure transition; a refused guard comes back with its reasons (422). */
export function applyEvent(current: PersistedCase, event: CaseMachineEvent): EventOutcome {
  const before = restore(current);
  const [after, actions] = transition(caseMachine, before, event);
  if (after === before) return { applied: false, violations: explainRefusal(current.context, event) };
  const notifications = actions
    .filter((action) => action.type === 'notify')
    .map((action) => action.params as Notification);
  return { applied: true, next: persisted(after), notifications };
}

/** The event types this relation may send now: accepted in the current state, and its to send. */
export function allowedEvents(current: PersistedCase, relation: Relation): CaseEventType[] {
  const accepted = eventTypesIn(current.status);
  return CASE_EVENT_TYPES.filter((type) => accepted.includes(type) && sentByItsSender({ type, relation }));
}
