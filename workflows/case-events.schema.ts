import { type Actor, AVIS, type CaseEventType, type Relation } from '../shared/domain/case.ts';
import type { FicheDraft } from '../shared/domain/fiche.schema.ts';
import { isoDate, refId, text } from '../shared/domain/text.ts';
import * as z from '../shared/domain/zod.ts';

/** The bodies of `POST /cases/{caseId}/events`, one strict schema per event type (DESIGN.md §3). */

const event = <T extends CaseEventType, S extends z.core.$ZodLooseShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), ...shape }).register(z.globalRegistry, { id: `${type}_event` });

export const CaseEventBodySchema = /* @__PURE__ */ z
  .discriminatedUnion('type', [
    event('SUBMIT_FICHE', {}),
    event('REQUEST_COMPLEMENT', { message: text() }),
    event('OPEN_SAISINE', {
      partenaireIds: z.optional(
        z.array(refId()).check(
          z.minLength(1),
          z.maxLength(50),
          z.refine((l) => new Set(l).size === l.length, 'Each partenaire at most once'),
        ),
      ),
    }),
    event('GIVE_AVIS', { avis: z.enum(AVIS), commentaire: z.optional(text()) }),
    event('ACCEPT', { prestataireId: refId() }),
    event('REJECT', { motif: text() }),
    event('SUBMIT_RAPPORT', { documentId: refId() }),
    event('REQUEST_REVISION', { commentaire: text() }),
    event('VALIDATE_RAPPORT', {}),
    event('RECORD_RESTITUTION', {
      date: isoDate(),
      rencontrePartenaires: z.boolean(),
      compteRendu: z.optional(text()),
    }),
    event('RECORD_RENCONTRE', { date: isoDate(), compteRendu: z.optional(text()) }),
    event('WITHDRAW', { motif: z.optional(text()) }),
  ])
  .register(z.globalRegistry, { id: 'CaseEvent' });

export type CaseEventBody = z.infer<typeof CaseEventBodySchema>;

/** The event types, in the schema's order (a unit test checks they are the domain's, all of them). */
export const SCHEMA_EVENT_TYPES = /* @__PURE__ */ CaseEventBodySchema._zod.def.options.flatMap(
  (o) => o.shape.type._zod.def.values,
);

/** Replacing the draft fiche (`PUT /cases/{id}/fiche`) goes through the machine as this event. */
export type InternalEventBody = { type: 'UPDATE_FICHE'; fiche: FicheDraft };
export type MachineEventType = CaseEventType | InternalEventBody['type'];

/** The relation that sends each event (DESIGN.md §3): one table, read by the one sender guard. */
export const EVENT_SENDER: Record<MachineEventType, Relation> = {
  UPDATE_FICHE: 'gestionnaire',
  SUBMIT_FICHE: 'gestionnaire',
  REQUEST_COMPLEMENT: 'coordinateur',
  OPEN_SAISINE: 'coordinateur',
  GIVE_AVIS: 'partenaire',
  ACCEPT: 'coordinateur',
  REJECT: 'coordinateur',
  SUBMIT_RAPPORT: 'prestataire',
  REQUEST_REVISION: 'gestionnaire',
  VALIDATE_RAPPORT: 'gestionnaire',
  RECORD_RESTITUTION: 'prestataire',
  RECORD_RENCONTRE: 'coordinateur',
  WITHDRAW: 'gestionnaire',
};

/** Facts from outside the case that some guards need, looked up by the use case before the transition. */
export interface EventFacts {
  knownPartenaireIds?: string[];
  defaultPartenaireIds?: string[];
  knownPrestataireIds?: string[];
  /** The document SUBMIT_RAPPORT references, as stored (undefined: no such document on this case). */
  document?: { id: string; kind: string; status: string; uploaderOrganisationId: string };
}

/**
 * An event as the machine receives it: the body, who sends it and how it stands to the case
 * (computed once, where the case was found visible), when, and the facts its guards need.
 */
export type CaseMachineEvent = (CaseEventBody | InternalEventBody) & {
  actor: Actor;
  relation: Relation;
  at: string;
  facts?: EventFacts;
};
