import type { Role } from './caller.ts';
import type { Deadline } from './delais.ts';
import { type FicheDraft, FicheDraftSchema } from './fiche.schema.ts';
import {
  AVIS,
  type AvisValue,
  CASE_EVENT_TYPES,
  CASE_STATUSES,
  type CaseEventType,
  type CaseStatus,
} from './statuses.ts';
import * as z from './zod.ts';

/**
 * The words of the procedure that the machine (workflows/), the policy and the use cases all
 * speak: statuses, event types, avis, who is who to a case, and the case as stored.
 */

export { AVIS, type AvisValue, CASE_EVENT_TYPES, CASE_STATUSES, type CaseEventType, type CaseStatus };

/**
 * How a caller stands to a case, decided once by the policy (`relationTo`) where the case is
 * found: the centre's `gestionnaire` (its board or its fédération), the `coordinateur` (once the
 * fiche was submitted), a `partenaire` consulted on it, the `prestataire` assigned to it. A
 * caller with no relation does not see the case at all (404). Each event names the relation
 * that sends it.
 */
export type Relation = Role;

/** Who did something: the user, its role and its organisation, as the history keeps them. */
export interface Actor {
  sub: string;
  role: Role;
  organisationId: string;
}

export interface AvisEntry {
  avis: AvisValue;
  commentaire?: string;
  at: string;
}

/** What the machine keeps of a case besides its status. */
export interface CaseContext {
  centreId: string;
  federationId?: string;
  fiche: FicheDraft;
  /** True once SUBMIT_FICHE has happened: from then on the coordinateur sees the case. */
  submittedOnce: boolean;
  consultedPartenaireIds: string[];
  /** One avis per consulted partenaire, keyed by its id; a new avis replaces the previous one. */
  avis: Record<string, AvisEntry>;
  prestataireId?: string;
  decision?: { outcome: 'accepted' | 'refused'; motif?: string; at: string };
  rapport: {
    submittedDocumentId?: string;
    /** Every rapport ever submitted, oldest first: the versions the gestionnaire has seen. */
    submittedDocumentIds: string[];
    validatedDocumentId?: string;
    submissions: number;
    revisions: number;
  };
  restitution?: { date: string; rencontrePartenaires: boolean; compteRendu?: string };
  rencontre?: { date: string; compteRendu?: string };
  withdrawal?: { motif?: string; at: string };
}

/** Who stands how to a case: the part of its context that decides relations (and so who is mailed). */
export type RelationContext = Pick<
  CaseContext,
  'centreId' | 'federationId' | 'submittedOnce' | 'consultedPartenaireIds' | 'prestataireId'
>;

/** What is stored of the machine: its status and its context (the persisted snapshot). */
export interface PersistedCase {
  status: CaseStatus;
  context: CaseContext;
}

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
  /** The step the case waits on and its due date (Europe/Paris day), set by the change that opened it. */
  deadline?: Deadline;
}

/** One entry of a case's history: append-only, numbered, hash-chained. */
/** Who a notification goes to, by relation to the case; the dispatcher finds the users of each. */
export type Audience = 'gestionnaire' | 'coordination' | 'consulted-partenaires' | 'prestataire';

/** A mail to send after a change: the event it tells of and who must hear of it (DESIGN.md §7). */
export interface Notification {
  template: CaseEventType;
  to: Audience[];
}

export interface HistoryEvent {
  seq: number;
  type: string;
  at: string;
  actor: Actor;
  payload: Record<string, unknown>;
  /**
   * Random bytes hashed with the event: without them, a reader shown only the hash of a hidden
   * event (an avis) could find its content by trying the few values it can take.
   */
  salt: string;
  prevHash: string;
  hash: string;
}

export const CaseIdSchema = z.string().check(z.regex(/^c-[0-9a-z]{26}$/, 'Not a case id'));

export const CaseStatusSchema = /* @__PURE__ */ z.enum(CASE_STATUSES);

export const AvisViewSchema = z.object({
  partenaireId: z.string(),
  avis: z.enum(AVIS),
  commentaire: z.optional(z.string()),
  at: z.string(),
});

export const CaseSchema = /* @__PURE__ */ z
  .object({
    id: z.string(),
    centreId: z.string(),
    status: CaseStatusSchema,
    version: z.int().check(z.gte(1)),
    fiche: FicheDraftSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
    prestataireId: z.optional(z.string()),
    consultedPartenaireIds: z.optional(z.array(z.string())),
    avis: z
      .optional(z.array(AvisViewSchema))
      .register(z.globalRegistry, { description: 'Only for the coordinateur and consulted partenaires' }),
    decision: z.optional(
      z.object({ outcome: z.enum(['accepted', 'refused']), motif: z.optional(z.string()), at: z.string() }),
    ),
    rapport: z.optional(
      z
        .object({
          submittedDocumentId: z.optional(z.string()),
          submittedDocumentIds: z.optional(z.array(z.string())),
          validatedDocumentId: z.optional(z.string()),
          submissions: z.optional(z.int()),
          revisions: z.optional(z.int()),
        })
        .register(z.globalRegistry, {
          description:
            'Every version for the gestionnaire and the prestataire; the validated one for the others',
        }),
    ),
    restitution: z.optional(
      z.object({ date: z.string(), rencontrePartenaires: z.boolean(), compteRendu: z.optional(z.string()) }),
    ),
    rencontre: z.optional(z.object({ date: z.string(), compteRendu: z.optional(z.string()) })),
    withdrawal: z.optional(z.object({ motif: z.optional(z.string()), at: z.string() })),
    deadline: z
      .optional(
        z.object({
          step: CaseStatusSchema,
          dueAt: z
            .string()
            .register(z.globalRegistry, { description: 'The due date, YYYY-MM-DD (Europe/Paris)' }),
          overdue: z.boolean().register(z.globalRegistry, { description: 'From the day after the due date' }),
        }),
      )
      .register(z.globalRegistry, {
        description: 'While the case waits on a step of the procedure (not in brouillon nor once closed)',
      }),
    avisReceived: z.optional(z.int()).register(z.globalRegistry, {
      description: 'In saisine_concertee, for the coordinateur and the consulted partenaires',
    }),
    avisRequested: z.optional(z.int()),
    allowedEvents: z.array(z.enum(CASE_EVENT_TYPES)),
  })
  .register(z.globalRegistry, { id: 'Case' });

export type CaseView = z.infer<typeof CaseSchema>;

export const HistoryEventSchema = /* @__PURE__ */ z
  .object({
    seq: z.int().check(z.gte(1)),
    type: z.string(),
    at: z.string(),
    actor: z.object({ role: z.string(), organisationId: z.optional(z.string()) }),
    payload: z.optional(z.record(z.string(), z.unknown())),
    redacted: z.optional(z.boolean()),
    salt: z.optional(z.string()).register(z.globalRegistry, {
      description: 'Hashed with the event; absent where the event is redacted',
    }),
    prevHash: z.string(),
    hash: z.string(),
  })
  .register(z.globalRegistry, { id: 'HistoryEvent' });

export type HistoryEventView = z.infer<typeof HistoryEventSchema>;
