import { z } from 'zod';
import { isoDate, refId, text } from '../shared/domain/text.ts';

/** The bodies of `POST /cases/{caseId}/events`, one strict schema per event type (DESIGN.md §3). */

export const AVIS = ['favorable', 'reserve', 'defavorable'] as const;
export type AvisValue = (typeof AVIS)[number];

const event = <T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), ...shape }).meta({ id: `${type}_event` });

export const CaseEventBodySchema = z
  .discriminatedUnion('type', [
    event('SUBMIT_FICHE', {}),
    event('REQUEST_COMPLEMENT', { message: text() }),
    event('OPEN_SAISINE', {
      partenaireIds: z
        .array(refId())
        .min(1)
        .max(50)
        .refine((l) => new Set(l).size === l.length, 'Each partenaire at most once')
        .optional(),
    }),
    event('GIVE_AVIS', { avis: z.enum(AVIS), commentaire: text().optional() }),
    event('ACCEPT', { prestataireId: refId() }),
    event('REJECT', { motif: text() }),
    event('SUBMIT_RAPPORT', { documentId: refId() }),
    event('REQUEST_REVISION', { commentaire: text() }),
    event('VALIDATE_RAPPORT', {}),
    event('RECORD_RESTITUTION', {
      date: isoDate(),
      rencontrePartenaires: z.boolean(),
      compteRendu: text().optional(),
    }),
    event('RECORD_RENCONTRE', { date: isoDate(), compteRendu: text().optional() }),
    event('WITHDRAW', { motif: text().optional() }),
  ])
  .meta({ id: 'CaseEvent' });

export type CaseEventBody = z.infer<typeof CaseEventBodySchema>;
export type CaseEventType = CaseEventBody['type'];
export const CASE_EVENT_TYPES = CaseEventBodySchema.options.map((o) => o.shape.type.value) as CaseEventType[];

/** Who may send each event: a role, qualified by its relation to the case where the procedure says so. */
export type Sender = 'gestionnaire' | 'coordinateur' | 'consulted-partenaire' | 'assigned-prestataire';

export const EVENT_SENDER: Record<CaseEventType, Sender> = {
  SUBMIT_FICHE: 'gestionnaire',
  REQUEST_COMPLEMENT: 'coordinateur',
  OPEN_SAISINE: 'coordinateur',
  GIVE_AVIS: 'consulted-partenaire',
  ACCEPT: 'coordinateur',
  REJECT: 'coordinateur',
  SUBMIT_RAPPORT: 'assigned-prestataire',
  REQUEST_REVISION: 'gestionnaire',
  VALIDATE_RAPPORT: 'gestionnaire',
  RECORD_RESTITUTION: 'assigned-prestataire',
  RECORD_RENCONTRE: 'coordinateur',
  WITHDRAW: 'gestionnaire',
};
