import { relationTo } from '../../shared/access/policy.ts';
import type { Caller, Role } from '../../shared/domain/caller.ts';
import type {
  Actor,
  CaseEventType,
  CaseRecord,
  CaseStatus,
  PersistedCase,
  Relation,
} from '../../shared/domain/case.ts';
import type { FicheDraft } from '../../shared/domain/fiche.schema.ts';
import type { CaseEventBody, CaseMachineEvent, EventFacts } from '../../workflows/case-events.schema.ts';
import { allowedEvents, applyEvent, startCase } from '../../workflows/case-workflow.ts';

/** Test data shared by the unit tests of the workflow, the policy and the domain modules. */

export const AT = '2026-03-02T09:00:00.000Z';

/** The ten statuses of DESIGN.md §3, written out by hand. */
export const STATUSES = [
  'brouillon',
  'fiche_transmise',
  'saisine_concertee',
  'diagnostic_en_cours',
  'rapport_a_valider',
  'restitution_a_faire',
  'rencontre_partenaires',
  'cloturee',
  'refusee',
  'abandonnee',
] as const satisfies readonly CaseStatus[];

/** The twelve event types of DESIGN.md §3, written out by hand. */
export const EVENT_TYPES: CaseEventType[] = [
  'SUBMIT_FICHE',
  'REQUEST_COMPLEMENT',
  'OPEN_SAISINE',
  'GIVE_AVIS',
  'ACCEPT',
  'REJECT',
  'SUBMIT_RAPPORT',
  'REQUEST_REVISION',
  'VALIDATE_RAPPORT',
  'RECORD_RESTITUTION',
  'RECORD_RENCONTRE',
  'WITHDRAW',
];

export const FINAL_STATUSES = ['cloturee', 'refusee', 'abandonnee'] as const satisfies readonly CaseStatus[];

/** The seeded partenaires of DESIGN.md §6. */
export const SEEDED_PARTENAIRE_IDS = [
  'etat',
  'region',
  'departement',
  'caf13',
  'commune-aix-en-provence',
  'commune-la-ciotat',
  'commune-les-pennes-mirabeau',
  'commune-marseille',
  'commune-miramas',
  'commune-port-de-bouc',
  'commune-salon-de-provence',
  'commune-septemes-les-vallons',
  'commune-vitrolles',
];

/** Every non-commune partner plus the commune of cs-tilleuls (Marseille). */
export const TILLEULS_DEFAULT_PARTENAIRE_IDS = [
  'etat',
  'region',
  'departement',
  'caf13',
  'commune-marseille',
];

export const SEEDED_PRESTATAIRE_IDS = ['singuliers-co', 'cabinet-b'];

/** The partners the happy path consults (cs-tilleuls stands in Marseille; Vitrolles is left out). */
export const CONSULTED = ['caf13', 'etat', 'commune-marseille'];

export const actor = (role: Role, organisationId: string): Actor => ({
  sub: `sub-${organisationId}`,
  role,
  organisationId,
});

export const actors = {
  gestionnaire: actor('gestionnaire', 'cs-tilleuls'),
  otherGestionnaire: actor('gestionnaire', 'cs-oliviers'),
  federation: actor('gestionnaire', 'fed-ifac'),
  coordinateur: actor('coordinateur', 'caf13-coordination'),
  caf13: actor('partenaire', 'caf13'),
  etat: actor('partenaire', 'etat'),
  marseille: actor('partenaire', 'commune-marseille'),
  vitrolles: actor('partenaire', 'commune-vitrolles'),
  singuliers: actor('prestataire', 'singuliers-co'),
  cabinetB: actor('prestataire', 'cabinet-b'),
};

export type ActorName = keyof typeof actors;

export function caller(a: Actor, tenant = 'caf13'): Caller {
  return { ...a, email: `${a.organisationId}@example.org`, tenant };
}

export function completeFiche(overrides: Partial<FicheDraft> = {}): FicheDraft {
  return {
    nature: 'preventive',
    domaines: ['gestion_financiere', 'gouvernance'],
    signesAlerte: 'Trésorerie tendue depuis six mois, départ de la directrice',
    demandeur: { nom: 'Claire Martin', qualite: 'Présidente', email: 'ca.tilleuls@example.org' },
    ...overrides,
  };
}

/** An available rapport uploaded by `uploader`, as the repository would return it. */
export const rapportDocument = (id = 'doc-rapport-1', uploader = 'singuliers-co') => ({
  id,
  kind: 'rapport',
  status: 'available',
  uploaderOrganisationId: uploader,
});

/** The facts the use case looks up before the transition (see shared/cases/facts.ts). */
export function factsFor(body: { type: string; documentId?: string }): EventFacts {
  switch (body.type) {
    case 'OPEN_SAISINE':
      return {
        knownPartenaireIds: SEEDED_PARTENAIRE_IDS,
        defaultPartenaireIds: TILLEULS_DEFAULT_PARTENAIRE_IDS,
      };
    case 'ACCEPT':
      return { knownPrestataireIds: SEEDED_PRESTATAIRE_IDS };
    case 'SUBMIT_RAPPORT':
      return { document: rapportDocument(body.documentId) };
    default:
      return {};
  }
}

/**
 * A machine event: a body, who sends it, how it stands to the case (by default the relation its
 * role names: the policy computes it from the case before the machine ever sees the event), when,
 * and the facts its guards need.
 */
export function event(
  body: CaseEventBody | { type: 'UPDATE_FICHE'; fiche: FicheDraft },
  by: Actor,
  options: { at?: string; facts?: EventFacts; relation?: Relation } = {},
): CaseMachineEvent {
  return {
    ...body,
    actor: by,
    relation: 'relation' in options ? options.relation : by.role,
    at: options.at ?? AT,
    facts: options.facts ?? factsFor(body),
  } as CaseMachineEvent;
}

/** Applies events one after the other; a refused one fails the test that set it up. */
export function applyAll(start: PersistedCase, events: CaseMachineEvent[]): PersistedCase {
  return events.reduce((current, e) => {
    const outcome = applyEvent(current, e);
    if (!outcome.applied) {
      throw new Error(`Arrange failed: ${e.type} refused in ${current.status} (${JSON.stringify(outcome)})`);
    }
    return outcome.next;
  }, start);
}

export interface CaseOptions {
  centreId?: string;
  federationId?: string;
  fiche?: FicheDraft;
  gestionnaire?: Actor;
}

/** The events of the happy path, from a new case to each status. */
function stepsTo(status: CaseStatus, g: Actor): CaseMachineEvent[] {
  const submitted = [event({ type: 'SUBMIT_FICHE' }, g)];
  const saisine = [
    ...submitted,
    event({ type: 'OPEN_SAISINE', partenaireIds: CONSULTED }, actors.coordinateur),
  ];
  const diagnostic = [
    ...saisine,
    event({ type: 'GIVE_AVIS', avis: 'favorable' }, actors.caf13),
    event({ type: 'ACCEPT', prestataireId: 'singuliers-co' }, actors.coordinateur),
  ];
  const rapport = [
    ...diagnostic,
    event({ type: 'SUBMIT_RAPPORT', documentId: 'doc-rapport-1' }, actors.singuliers),
  ];
  const restitution = [...rapport, event({ type: 'VALIDATE_RAPPORT' }, g)];
  const rencontre = [
    ...restitution,
    event({ type: 'RECORD_RESTITUTION', date: '2026-04-10', rencontrePartenaires: true }, actors.singuliers),
  ];
  const paths: Record<CaseStatus, CaseMachineEvent[]> = {
    brouillon: [],
    fiche_transmise: submitted,
    saisine_concertee: saisine,
    diagnostic_en_cours: diagnostic,
    rapport_a_valider: rapport,
    restitution_a_faire: restitution,
    rencontre_partenaires: rencontre,
    cloturee: [...rencontre, event({ type: 'RECORD_RENCONTRE', date: '2026-05-12' }, actors.coordinateur)],
    refusee: [
      ...saisine,
      event({ type: 'REJECT', motif: 'Hors du champ du dispositif' }, actors.coordinateur),
    ],
    abandonnee: [event({ type: 'WITHDRAW' }, g)],
  };
  return paths[status];
}

export function newCase(options: CaseOptions = {}): PersistedCase {
  const { centreId = 'cs-tilleuls', federationId, fiche = completeFiche() } = options;
  return startCase({ centreId, ...(federationId && { federationId }), fiche });
}

/**
 * A case brought to `status` along the happy path: consulted caf13, etat and commune-marseille,
 * a favorable avis of caf13, singuliers-co assigned, rapport doc-rapport-1.
 */
export function caseIn(status: CaseStatus, options: CaseOptions = {}): PersistedCase {
  return applyAll(newCase(options), stepsTo(status, options.gestionnaire ?? actors.gestionnaire));
}

/** A stored case around a persisted snapshot. */
export function recordOf(persisted: PersistedCase, overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    ...persisted,
    id: 'c-01jq7k9m2x3v4b5n6p7q8r9s0t',
    tenant: 'caf13',
    centreId: persisted.context.centreId,
    version: 1,
    createdAt: '2026-03-01T08:00:00.000Z',
    updatedAt: AT,
    headHash: 'a'.repeat(64),
    ...overrides,
  };
}

/** How this actor stands to the case, as the policy decides it (undefined: it does not see it). */
export const relationOf = (current: PersistedCase, a: Actor): Relation | undefined =>
  relationTo(caller(a), recordOf(current));

/** The events this actor is offered on the case: none when it does not see it (404 in the API). */
export function offered(current: PersistedCase, a: Actor): CaseEventType[] {
  const relation = relationOf(current, a);
  return relation ? allowedEvents(current, relation) : [];
}

/** Freezes an object and everything under it, so that any write to it throws. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
