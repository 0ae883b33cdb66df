import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor, CaseEventType, PersistedCase } from '../../../shared/domain/case.ts';
import type { CaseMachineEvent, EventFacts } from '../../../workflows/case-events.schema.ts';
import { allowedEvents, applyEvent, checkEvent } from '../../../workflows/case-workflow.ts';
import {
  actors,
  completeFiche,
  deepFreeze,
  EVENT_TYPES,
  FINAL_STATUSES,
  newCase,
  offered,
  relationOf,
  SEEDED_PARTENAIRE_IDS,
  SEEDED_PRESTATAIRE_IDS,
  STATUSES,
  TILLEULS_DEFAULT_PARTENAIRE_IDS,
} from '../../helpers/case-fixtures.ts';

/**
 * Random but plausible traffic on one case of cs-tilleuls. Three steps in four are guided: a type the
 * current status accepts, from an actor of the right role (consulted or not, assigned or not); the
 * others are any type from any actor. Payloads and facts vary (unknown ids, wrong documents), so
 * guards refuse often. With 150 runs, every status of §3 is reached and about 70% of the steps are refused.
 */

const ACTORS: Actor[] = [
  actors.gestionnaire,
  actors.coordinateur,
  actors.caf13,
  actors.etat,
  actors.marseille,
  actors.vitrolles,
  actors.singuliers,
  actors.cabinetB,
];

const PARTNER_CHOICES = [
  'caf13',
  'etat',
  'commune-marseille',
  'commune-vitrolles',
  'region',
  'commune-atlantis',
];

/** What each non-final status accepts in DESIGN.md §3, WITHDRAW and REJECT left to the unguided steps. */
const PROGRESS: Partial<Record<PersistedCase['status'], (CaseEventType | 'UPDATE_FICHE')[]>> = {
  brouillon: ['SUBMIT_FICHE', 'SUBMIT_FICHE', 'UPDATE_FICHE'],
  fiche_transmise: ['OPEN_SAISINE', 'OPEN_SAISINE', 'REQUEST_COMPLEMENT'],
  saisine_concertee: ['GIVE_AVIS', 'GIVE_AVIS', 'ACCEPT'],
  diagnostic_en_cours: ['SUBMIT_RAPPORT'],
  rapport_a_valider: ['VALIDATE_RAPPORT', 'REQUEST_REVISION'],
  restitution_a_faire: ['RECORD_RESTITUTION'],
  rencontre_partenaires: ['RECORD_RENCONTRE'],
};

/** The actors of each event's role, related to the case or not. */
const SENDER_LIKE: Record<CaseEventType | 'UPDATE_FICHE', Actor[]> = {
  SUBMIT_FICHE: [actors.gestionnaire],
  UPDATE_FICHE: [actors.gestionnaire],
  REQUEST_COMPLEMENT: [actors.coordinateur],
  OPEN_SAISINE: [actors.coordinateur],
  GIVE_AVIS: [actors.caf13, actors.etat, actors.marseille, actors.vitrolles],
  ACCEPT: [actors.coordinateur],
  REJECT: [actors.coordinateur],
  SUBMIT_RAPPORT: [actors.singuliers, actors.singuliers, actors.cabinetB],
  REQUEST_REVISION: [actors.gestionnaire],
  VALIDATE_RAPPORT: [actors.gestionnaire],
  RECORD_RESTITUTION: [actors.singuliers, actors.cabinetB],
  RECORD_RENCONTRE: [actors.coordinateur],
  WITHDRAW: [actors.gestionnaire],
};

const textArb = fc.constantFrom(
  'Précisez la situation',
  'Non',
  'Un commentaire plus long, avec des accents : é à ç',
);

const ficheArb = fc.oneof(
  { arbitrary: fc.constant(completeFiche()), weight: 4 },
  { arbitrary: fc.constant(completeFiche({ domaines: ['autre'] })), weight: 1 },
  { arbitrary: fc.constant({}), weight: 1 },
);

const typeArb = fc.constantFrom(...EVENT_TYPES, 'UPDATE_FICHE' as const);

/** The random ingredients of one event; `cook` turns them into the event given the current status. */
const stepArb = fc.record({
  guided: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
  type: typeArb,
  pick: fc.nat({ max: 11 }),
  anyActor: fc.constantFrom(...ACTORS),
  senderPick: fc.nat({ max: 11 }),
  minutes: fc.integer({ min: 0, max: 1_000_000 }),
  text: textArb,
  optionalText: fc.option(textArb, { nil: undefined }),
  avis: fc.constantFrom('favorable', 'reserve', 'defavorable'),
  partenaireIds: fc.option(fc.uniqueArray(fc.constantFrom(...PARTNER_CHOICES), { minLength: 1 }), {
    nil: undefined,
  }),
  prestataireId: fc.constantFrom('singuliers-co', 'cabinet-b', 'cabinet-z'),
  documentId: fc.constantFrom('doc-rapport-1', 'doc-rapport-2'),
  document: fc.option(
    fc.record({
      sameId: fc.oneof(
        { arbitrary: fc.constant(true), weight: 5 },
        { arbitrary: fc.constant(false), weight: 1 },
      ),
      kind: fc.constantFrom('rapport', 'rapport', 'rapport', 'piece_jointe', 'compte_rendu'),
      status: fc.constantFrom('available', 'available', 'available', 'pending'),
      uploaderOrganisationId: fc.constantFrom('singuliers-co', 'singuliers-co', 'cabinet-b'),
    }),
    { nil: undefined, freq: 6 },
  ),
  rencontrePartenaires: fc.boolean(),
  date: fc.constantFrom('2026-04-10', '2026-05-12', '2027-01-31'),
  fiche: ficheArb,
});

type StepIngredients = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

const optional = <K extends string>(key: K, value: string | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;

/**
 * The event of a step: a progressing type from the right role when guided, anything from anyone
 * otherwise; with the sender's relation to the case as the policy computes it (none for an
 * unrelated sender, whom the API answers 404 before the machine: the machine refuses it too).
 */
function cook(step: StepIngredients, current: PersistedCase): CaseMachineEvent {
  const progress = PROGRESS[current.status];
  const guided = step.guided && progress !== undefined;
  const type = guided ? (progress[step.pick % progress.length] ?? step.type) : step.type;
  const senders = SENDER_LIKE[type];
  const actor = guided ? (senders[step.senderPick % senders.length] ?? step.anyActor) : step.anyActor;
  const at = new Date(Date.UTC(2026, 2, 1) + step.minutes * 60_000).toISOString();
  const body = (() => {
    switch (type) {
      case 'SUBMIT_FICHE':
      case 'VALIDATE_RAPPORT':
        return { type };
      case 'UPDATE_FICHE':
        return { type, fiche: step.fiche };
      case 'REQUEST_COMPLEMENT':
        return { type, message: step.text };
      case 'OPEN_SAISINE':
        return { type, ...(step.partenaireIds && { partenaireIds: step.partenaireIds }) };
      case 'GIVE_AVIS':
        return { type, avis: step.avis, ...optional('commentaire', step.optionalText) };
      case 'ACCEPT':
        return { type, prestataireId: step.prestataireId };
      case 'REJECT':
        return { type, motif: step.text };
      case 'SUBMIT_RAPPORT':
        return { type, documentId: step.documentId };
      case 'REQUEST_REVISION':
        return { type, commentaire: step.text };
      case 'RECORD_RESTITUTION':
        return {
          type,
          date: step.date,
          rencontrePartenaires: step.rencontrePartenaires,
          ...optional('compteRendu', step.optionalText),
        };
      case 'RECORD_RENCONTRE':
        return { type, date: step.date, ...optional('compteRendu', step.optionalText) };
      case 'WITHDRAW':
        return { type, ...optional('motif', step.optionalText) };
    }
  })();
  const facts: EventFacts = (() => {
    switch (type) {
      case 'OPEN_SAISINE':
        return {
          knownPartenaireIds: SEEDED_PARTENAIRE_IDS,
          defaultPartenaireIds: TILLEULS_DEFAULT_PARTENAIRE_IDS,
        };
      case 'ACCEPT':
        return { knownPrestataireIds: SEEDED_PRESTATAIRE_IDS };
      case 'SUBMIT_RAPPORT': {
        if (!step.document) return {};
        const { sameId, ...document } = step.document;
        return { document: { id: sameId ? step.documentId : 'doc-autre', ...document } };
      }
      default:
        return {};
    }
  })();
  return { ...body, actor, relation: relationOf(current, actor), at, facts } as CaseMachineEvent;
}

const scenarioArb = fc.record({
  start: ficheArb.map((fiche) => newCase({ fiche })),
  steps: fc.array(stepArb, { minLength: 5, maxLength: 60, size: 'max' }),
});

interface Step {
  before: PersistedCase;
  event: CaseMachineEvent;
  accepted: boolean;
  after: PersistedCase;
}

/** Runs the events as the use case does (checkEvent, then applyEvent) on frozen cases: any write throws. */
function run(start: PersistedCase, ingredients: StepIngredients[]): Step[] {
  const steps: Step[] = [];
  let current = deepFreeze(start);
  for (const ingredient of ingredients) {
    const e = cook(ingredient, current);
    const check = checkEvent(current, e);
    const outcome = check.ok ? applyEvent(current, e) : undefined;
    const after = outcome?.applied ? deepFreeze(outcome.next) : current;
    steps.push({ before: current, event: e, accepted: outcome?.applied === true, after });
    current = after;
  }
  return steps;
}

const RUNS = { numRuns: 150 };

describe('random traffic on a case', () => {
  it('keeps the status one of the ten of DESIGN.md §3', () => {
    fc.assert(
      fc.property(scenarioArb, ({ start, steps }) => {
        for (const { after } of run(start, steps)) expect(STATUSES).toContain(after.status);
      }),
      RUNS,
    );
  });

  it('leaves the case identical when an event is refused', () => {
    fc.assert(
      fc.property(scenarioArb, ({ start, steps }) => {
        for (const { before, accepted, event } of run(start, steps)) {
          if (accepted) continue;
          const copy = structuredClone(before);

          const check = checkEvent(before, event);
          const outcome = applyEvent(before, event);

          expect(check.ok && outcome.applied).toBe(false);
          expect(outcome).not.toHaveProperty('next');
          expect(before).toEqual(copy);
        }
      }),
      RUNS,
    );
  });

  it('accepts nothing in a final status, from anyone', () => {
    const finals: readonly string[] = FINAL_STATUSES;
    fc.assert(
      fc.property(scenarioArb, ({ start, steps }) => {
        for (const { before, event, accepted } of run(start, steps)) {
          if (!finals.includes(before.status)) continue;
          expect(accepted).toBe(false);
          expect(checkEvent(before, event).ok).toBe(false);
          expect(applyEvent(before, event).applied).toBe(false);
          for (const a of ACTORS) expect(offered(before, a)).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('changes the consulted partners only at OPEN_SAISINE', () => {
    fc.assert(
      fc.property(scenarioArb, ({ start, steps }) => {
        for (const { before, after, event } of run(start, steps)) {
          if (event.type !== 'OPEN_SAISINE') {
            expect(after.context.consultedPartenaireIds).toEqual(before.context.consultedPartenaireIds);
          }
        }
      }),
      RUNS,
    );
  });

  it('holds avis of consulted partners only', () => {
    fc.assert(
      fc.property(scenarioArb, ({ start, steps }) => {
        for (const { after } of run(start, steps)) {
          for (const id of Object.keys(after.context.avis)) {
            expect(after.context.consultedPartenaireIds).toContain(id);
          }
        }
      }),
      RUNS,
    );
  });

  it('offers in allowedEvents exactly the events checkEvent lets through', () => {
    fc.assert(
      fc.property(scenarioArb, ({ start, steps }) => {
        for (const { before, event } of run(start, steps)) {
          if (event.type === 'UPDATE_FICHE') continue; // internal: PUT /fiche, not an event a client sends
          const allowed = event.relation ? allowedEvents(before, event.relation) : [];
          expect(allowed.includes(event.type)).toBe(checkEvent(before, event).ok);
        }
      }),
      RUNS,
    );
  });

  it('makes the machine refuse on its own whatever checkEvent refuses', () => {
    fc.assert(
      fc.property(scenarioArb, ({ start, steps }) => {
        for (const { before, event } of run(start, steps)) {
          if (!checkEvent(before, event).ok) expect(applyEvent(before, event).applied).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('lets only the gestionnaire act on a first draft, assigns a prestataire only by ACCEPT, validates only the submitted rapport', () => {
    const onDraft = ['SUBMIT_FICHE', 'UPDATE_FICHE', 'WITHDRAW'];
    fc.assert(
      fc.property(scenarioArb, ({ start, steps }) => {
        for (const { before, after, event, accepted } of run(start, steps)) {
          if (accepted && !before.context.submittedOnce) expect(onDraft).toContain(event.type);
          if (event.type !== 'ACCEPT') expect(after.context.prestataireId).toBe(before.context.prestataireId);
          const { validatedDocumentId, submittedDocumentId } = after.context.rapport;
          if (validatedDocumentId) expect(validatedDocumentId).toBe(submittedDocumentId);
        }
      }),
      RUNS,
    );
  });

  it('notifies with the template of the event that was applied (the fiche update, and the withdrawal of a first draft, notify nobody)', () => {
    fc.assert(
      fc.property(scenarioArb, ({ start, steps }) => {
        for (const { before, event, accepted } of run(start, steps)) {
          if (!accepted) continue;
          const outcome = applyEvent(before, event);
          const templates = outcome.applied ? outcome.notifications.map((n) => n.template) : ['refused'];
          const silent =
            event.type === 'UPDATE_FICHE' || (event.type === 'WITHDRAW' && !before.context.submittedOnce);
          expect(templates).toEqual(silent ? [] : [event.type]);
        }
      }),
      RUNS,
    );
  });
});
