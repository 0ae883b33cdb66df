import { z } from 'zod';
import { CASE_STATUSES, type CaseStatus } from '../../workflows/case.machine.ts';
import { AVIS, CASE_EVENT_TYPES } from '../../workflows/case-events.schema.ts';
import type { PersistedCase } from '../../workflows/case-workflow.ts';
import type { Role } from './caller.ts';
import { FicheDraftSchema } from './fiche.schema.ts';

/** A case as stored: identity and bookkeeping around the machine's persisted snapshot. */
export interface CaseRecord extends PersistedCase {
  id: string;
  tenant: string;
  centreId: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** SHA-256 of the last history event: the head of the chain. */
  headHash: string;
}

export interface EventActor {
  sub: string;
  role: Role;
  organisationId: string;
}

/** One entry of a case's history: append-only, numbered, hash-chained. */
export interface HistoryEvent {
  seq: number;
  type: string;
  at: string;
  actor: EventActor;
  payload: Record<string, unknown>;
  /**
   * Random bytes hashed with the event: without them, a reader shown only the hash of a hidden
   * event (an avis) could find its content by trying the few values it can take.
   */
  salt: string;
  prevHash: string;
  hash: string;
}

export const CaseIdSchema = z.string().regex(/^c-[0-9a-z]{26}$/, 'Not a case id');

export const CaseStatusSchema = z.enum(CASE_STATUSES as [CaseStatus, ...CaseStatus[]]);

export const AvisViewSchema = z.object({
  partenaireId: z.string(),
  avis: z.enum(AVIS),
  commentaire: z.string().optional(),
  at: z.string(),
});

export const CaseSchema = z
  .object({
    id: z.string(),
    centreId: z.string(),
    status: CaseStatusSchema,
    version: z.number().int().min(1),
    fiche: FicheDraftSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
    prestataireId: z.string().optional(),
    consultedPartenaireIds: z.array(z.string()).optional(),
    avis: z
      .array(AvisViewSchema)
      .optional()
      .meta({ description: 'Only for the coordinateur and consulted partenaires' }),
    decision: z
      .object({ outcome: z.enum(['accepted', 'refused']), motif: z.string().optional(), at: z.string() })
      .optional(),
    rapport: z
      .object({
        submittedDocumentId: z.string().optional(),
        submittedDocumentIds: z.array(z.string()).optional(),
        validatedDocumentId: z.string().optional(),
        submissions: z.number().int().optional(),
        revisions: z.number().int().optional(),
      })
      .meta({
        description:
          'Every version for the gestionnaire and the prestataire; the validated one for the others',
      })
      .optional(),
    restitution: z
      .object({ date: z.string(), rencontrePartenaires: z.boolean(), compteRendu: z.string().optional() })
      .optional(),
    rencontre: z.object({ date: z.string(), compteRendu: z.string().optional() }).optional(),
    withdrawal: z.object({ motif: z.string().optional(), at: z.string() }).optional(),
    allowedEvents: z.array(z.enum(CASE_EVENT_TYPES as [string, ...string[]])),
  })
  .meta({ id: 'Case' });

export type CaseView = z.infer<typeof CaseSchema>;

export const HistoryEventSchema = z
  .object({
    seq: z.number().int().min(1),
    type: z.string(),
    at: z.string(),
    actor: z.object({ role: z.string(), organisationId: z.string().optional() }),
    payload: z.record(z.string(), z.unknown()).optional(),
    redacted: z.boolean().optional(),
    salt: z
      .string()
      .optional()
      .meta({ description: 'Hashed with the event; absent where the event is redacted' }),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'HistoryEvent' });

export type HistoryEventView = z.infer<typeof HistoryEventSchema>;
