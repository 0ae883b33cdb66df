import type { CaseContext } from '../shared/domain/case.ts';
import { missingFicheFields } from '../shared/domain/fiche.schema.ts';
import { type CaseMachineEvent, EVENT_SENDER } from './case-events.schema.ts';

/** Why a guard refuses an event: a path into the request or the case, and a sentence. */
export interface Violation {
  path: string;
  message: string;
}

type Check = (context: CaseContext, event: CaseMachineEvent) => Violation[];

/** The one sender rule: the event comes from the relation the procedure names for it. */
export const sentByItsSender = (event: Pick<CaseMachineEvent, 'type' | 'relation'>): boolean =>
  event.relation === EVENT_SENDER[event.type];

const none: Check = () => [];

/**
 * The guards' reasons, one check per guarded event. The machine's guards pass when the list is
 * empty; when a transition is refused, the same list becomes the 422's `errors`.
 */
export const checks = {
  SUBMIT_FICHE: (context) =>
    missingFicheFields(context.fiche).map((field) => ({
      path: `fiche.${field}`,
      message: 'Required to submit the fiche',
    })),

  OPEN_SAISINE: (_context, event) => {
    if (event.type !== 'OPEN_SAISINE' || !event.partenaireIds) return [];
    const known = new Set(event.facts?.knownPartenaireIds);
    return event.partenaireIds.flatMap((id, i) =>
      known.has(id) ? [] : [{ path: `body.partenaireIds.${i}`, message: `Unknown partenaire ${id}` }],
    );
  },

  ACCEPT: (context, event) => {
    if (event.type !== 'ACCEPT') return [];
    const violations: Violation[] = [];
    if (!Object.values(context.avis).some((a) => a.avis === 'favorable')) {
      violations.push({ path: 'avis', message: 'At least one favorable avis is needed to accept' });
    }
    if (!event.facts?.knownPrestataireIds?.includes(event.prestataireId)) {
      violations.push({ path: 'body.prestataireId', message: `Unknown prestataire ${event.prestataireId}` });
    }
    return violations;
  },

  SUBMIT_RAPPORT: (context, event) => {
    if (event.type !== 'SUBMIT_RAPPORT') return [];
    const doc = event.facts?.document;
    const path = 'body.documentId';
    if (!doc || doc.id !== event.documentId)
      return [{ path, message: `No document ${event.documentId} on this case` }];
    if (doc.kind !== 'rapport')
      return [{ path, message: `Document ${doc.id} is a ${doc.kind}, not a rapport` }];
    if (doc.status !== 'available')
      return [{ path, message: `Document ${doc.id} is not available (${doc.status})` }];
    if (doc.uploaderOrganisationId !== context.prestataireId) {
      return [{ path, message: `Document ${doc.id} was not uploaded by the assigned prestataire` }];
    }
    if (context.rapport.submittedDocumentIds.includes(doc.id)) {
      return [{ path, message: `Document ${doc.id} was already submitted; upload the revised rapport` }];
    }
    return [];
  },
} satisfies Record<string, Check>;

/** The reasons a guarded event is refused in the current context (empty: nothing to object). */
export function explainRefusal(context: CaseContext, event: CaseMachineEvent): Violation[] {
  const check: Check = (checks as Record<string, Check>)[event.type] ?? none;
  return check(context, event);
}
