import { initialTransition, transition } from 'xstate';
import type { Role } from '../shared/domain/caller.ts';
import {
  type Actor,
  type CaseContext,
  type CaseInput,
  type CaseMachineEvent,
  type CaseStatus,
  caseMachine,
  type Notification,
} from './case.machine.ts';
import { CASE_EVENT_TYPES, type CaseEventType, EVENT_SENDER, type Sender } from './case-events.schema.ts';
import { actorIsSender, explainRefusal, type Violation } from './case-rules.ts';

/** What is stored of the machine: its status and its context (the persisted snapshot). */
export interface PersistedCase {
  status: CaseStatus;
  context: CaseContext;
}

const SENDER_ROLE: Record<Sender, Role> = {
  gestionnaire: 'gestionnaire',
  coordinateur: 'coordinateur',
  'consulted-partenaire': 'partenaire',
  'assigned-prestataire': 'prestataire',
};

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
 * The checks that come before If-Match in DESIGN.md §4: may this actor's role ever send this
 * event (else 403), and does the current status accept it at all (else 409).
 */
export function checkEvent(current: PersistedCase, event: CaseMachineEvent): EventCheck {
  const sender = event.type === 'UPDATE_FICHE' ? 'gestionnaire' : EVENT_SENDER[event.type];
  if (event.actor.role !== SENDER_ROLE[sender]) return { ok: false, reason: 'forbidden' };
  if (!eventTypesIn(current.status).includes(event.type)) return { ok: false, reason: 'not-possible' };
  if (!actorIsSender(event, current.context)) return { ok: false, reason: 'forbidden' };
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

/** The event types this actor may send now, read from the machine's current state and its sender guard. */
export function allowedEvents(current: PersistedCase, actor: Actor): CaseEventType[] {
  const accepted = eventTypesIn(current.status);
  return CASE_EVENT_TYPES.filter(
    (type) =>
      accepted.includes(type) && actorIsSender({ type, actor, at: '' } as CaseMachineEvent, current.context),
  );
}
