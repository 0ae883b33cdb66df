import { describe, expect, it } from 'vitest';
import { createTestModel } from 'xstate/graph';
import { seedUsers } from '../../infra/local/seed-data.ts';
import type { Actor } from '../../shared/domain/case.ts';
import { caseMachine } from '../../workflows/case.machine.ts';
import type { CaseMachineEvent } from '../../workflows/case-events.schema.ts';
import { apiClient } from '../helpers/api.ts';
import { rapportDocument, USERS } from '../helpers/cases.ts';
import { COMPLETE_FICHE } from '../helpers/fixtures.ts';
import { expectedAllowedEvents } from '../helpers/oracle.ts';
import { pool } from '../helpers/pool.ts';

const api = apiClient();
const actor = (email: string): Actor => {
  const user = seedUsers.find((u) => u.email === email);
  if (!user) throw new Error(email);
  return { sub: email, role: user.role, organisationId: user.organisationId };
};
const gestionnaire = actor(USERS.tilleuls);
const coordinateur = actor(USERS.coordination);
const caf = actor(USERS.caf);
const consultant = actor(USERS.singuliers);
const at = '2026-11-23T10:00:00.000Z';
const REVISED_FICHE = { ...COMPLETE_FICHE, attentes: 'Un plan de retour à l’équilibre.' };

/** The events the model tries in each state, with the payloads and facts their guards need. */
function samples(value: string): CaseMachineEvent[] {
  // Each sender is one the case knows (its centre's board, consulted, assigned): its relation is its role.
  const ev = (e: Record<string, unknown>, who: Actor) =>
    ({ ...e, actor: who, relation: who.role, at }) as CaseMachineEvent;
  switch (value) {
    case 'brouillon':
      return [
        ev({ type: 'UPDATE_FICHE', fiche: REVISED_FICHE }, gestionnaire),
        ev({ type: 'SUBMIT_FICHE' }, gestionnaire),
        ev({ type: 'WITHDRAW', motif: 'Résolu' }, gestionnaire),
      ];
    case 'fiche_transmise':
      return [
        ev({ type: 'REQUEST_COMPLEMENT', message: 'Préciser' }, coordinateur),
        ev(
          {
            type: 'OPEN_SAISINE',
            facts: { defaultPartenaireIds: ['etat', 'region', 'departement', 'caf13', 'commune-marseille'] },
          },
          coordinateur,
        ),
        ev({ type: 'WITHDRAW' }, gestionnaire),
      ];
    case 'saisine_concertee':
      return [
        ev({ type: 'GIVE_AVIS', avis: 'favorable' }, caf),
        ev(
          {
            type: 'ACCEPT',
            prestataireId: 'singuliers-co',
            facts: { knownPrestataireIds: ['singuliers-co'] },
          },
          coordinateur,
        ),
        ev({ type: 'REJECT', motif: 'Hors champ' }, coordinateur),
        ev({ type: 'WITHDRAW' }, gestionnaire),
      ];
    case 'diagnostic_en_cours': {
      const document = {
        id: 'DOC',
        kind: 'rapport',
        status: 'available',
        uploaderOrganisationId: 'singuliers-co',
      };
      return [ev({ type: 'SUBMIT_RAPPORT', documentId: 'DOC', facts: { document } }, consultant)];
    }
    case 'rapport_a_valider':
      return [
        ev({ type: 'REQUEST_REVISION', commentaire: 'Compléter' }, gestionnaire),
        ev({ type: 'VALIDATE_RAPPORT' }, gestionnaire),
      ];
    case 'restitution_a_faire':
      return [
        ev({ type: 'RECORD_RESTITUTION', date: '2026-12-01', rencontrePartenaires: true }, consultant),
        ev({ type: 'RECORD_RESTITUTION', date: '2026-12-01', rencontrePartenaires: false }, consultant),
      ];
    case 'rencontre_partenaires':
      return [ev({ type: 'RECORD_RENCONTRE', date: '2026-12-15' }, coordinateur)];
    default:
      return [];
  }
}

const model = createTestModel(caseMachine, {
  input: { centreId: 'cs-tilleuls', fiche: COMPLETE_FICHE },
  events: (snapshot) => samples(snapshot.value as string),
  // A vertex is the status plus what changes which transitions lie ahead (or mark a loop taken),
  // so that back edges (complement, revision) and the fiche update lead to new vertices.
  serializeState: (snapshot) => {
    const { context } = snapshot;
    return JSON.stringify([
      snapshot.value,
      context.submittedOnce,
      context.fiche.attentes,
      Object.values(context.avis).some((a) => a.avis === 'favorable'),
      context.rapport.revisions > 0,
      context.rapport.submissions > 0,
    ]);
  },
  serializeEvent: (event) =>
    JSON.stringify([event.type, event.type === 'RECORD_RESTITUTION' ? event.rencontrePartenaires : null]),
});

const paths = model.getSimplePaths();

/** Every transition of the machine, read from its definition: "from --EVENT--> to". */
const machineTransitions = Object.entries(caseMachine.root.states).flatMap(([from, node]) =>
  [...node.transitions.entries()].flatMap(([type, transitions]) =>
    transitions.map((t) => `${from} --${type}--> ${t.target?.[0]?.key ?? from}`),
  ),
);
const covered = new Set(
  paths.flatMap((path) =>
    path.steps
      .slice(1)
      .map((step, i) => `${path.steps[i]?.state.value} --${step.event.type}--> ${step.state.value}`),
  ),
);

describe(`model-based: ${paths.length} simple paths generated from the machine by xstate/graph`, () => {
  it(`take every one of its ${machineTransitions.length} transitions`, () => {
    expect(new Set(machineTransitions).size).toBe(machineTransitions.length);
    // DESIGN.md §3's 12 events: WITHDRAW from 3 statuses, RECORD_RESTITUTION to 2; plus the fiche update.
    expect(machineTransitions).toHaveLength(16);
    expect(machineTransitions.filter((t) => !covered.has(t))).toEqual([]);
  });

  it('each replays through the HTTP API: status, version and allowedEvents as the model and DESIGN.md say', async () => {
    const email: Record<string, string> = {
      [gestionnaire.organisationId]: USERS.tilleuls,
      [coordinateur.organisationId]: USERS.coordination,
      [caf.organisationId]: USERS.caf,
      [consultant.organisationId]: USERS.singuliers,
    };
    const replays = paths.map((path) => async () => {
      const created = await api.call('POST', '/cases', {
        as: USERS.tilleuls,
        body: { centreId: 'cs-tilleuls', fiche: COMPLETE_FICHE },
      });
      expect(created.status).toBe(201);
      const id = created.json.id as string;
      for (const [i, { event, state }] of path.steps.slice(1).entries()) {
        const as = email[event.actor.organisationId] as string;
        const { actor: _a, relation: _r, at: _at, facts: _f, ...body } = event as CaseMachineEvent;
        const res =
          body.type === 'UPDATE_FICHE'
            ? await api.call('PUT', `/cases/${id}/fiche`, { as, body: (body as { fiche: unknown }).fiche })
            : await api.call('POST', `/cases/${id}/events`, {
                as,
                body:
                  body.type === 'SUBMIT_RAPPORT'
                    ? { ...body, documentId: await rapportDocument(api, id) }
                    : body,
              });
        const step = `${path.description} / step ${i + 1} ${body.type}`;
        expect(res.status, `${step}: ${res.text}`).toBe(200);
        expect(res.json.status, step).toBe(state.value);
        expect(res.json.version, step).toBe(i + 2);
        const user = seedUsers.find((u) => u.email === as);
        const facts = {
          id,
          centreId: 'cs-tilleuls',
          scenario: 'brouillon' as const,
          status: String(state.value),
          submittedOnce: state.context.submittedOnce,
          consulted: state.context.consultedPartenaireIds,
          ...(state.context.prestataireId && { prestataire: state.context.prestataireId }),
        };
        expect([...res.json.allowedEvents].sort(), step).toEqual(expectedAllowedEvents(user as never, facts));
      }
      return path.steps.length - 1;
    });
    const steps = await pool(4, replays);
    expect(steps.reduce((a, b) => a + b, 0)).toBeGreaterThan(paths.length);
  }, 180_000);
});
