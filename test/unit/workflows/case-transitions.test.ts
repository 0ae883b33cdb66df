import { describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/domain/caller.ts';
import type { Actor, CaseEventType, CaseStatus } from '../../../shared/domain/case.ts';
import { CASE_STATUSES } from '../../../shared/domain/case.ts';
import { caseMachine } from '../../../workflows/case.machine.ts';
import type { CaseEventBody, CaseMachineEvent } from '../../../workflows/case-events.schema.ts';
import { applyEvent, checkEvent } from '../../../workflows/case-workflow.ts';
import {
  type ActorName,
  actor,
  actors,
  applyAll,
  caseIn,
  EVENT_TYPES,
  event,
  newCase,
  offered,
  relationOf,
  STATUSES,
} from '../../helpers/case-fixtures.ts';

/** The workflow table of DESIGN.md §3, written out by hand (never read from the machine). */
type SenderKind = 'gestionnaire' | 'coordinateur' | 'consulted-partenaire' | 'assigned-prestataire';

interface DesignTransition {
  sender: SenderKind;
  from: CaseStatus[];
  to: CaseStatus;
  body: CaseEventBody;
  /** What the guard needs beyond the happy path to `from` (the guards are tested in case-guards). */
  given?: CaseMachineEvent[];
}

const DESIGN_TABLE: DesignTransition[] = [
  { sender: 'gestionnaire', from: ['brouillon'], to: 'fiche_transmise', body: { type: 'SUBMIT_FICHE' } },
  {
    sender: 'coordinateur',
    from: ['fiche_transmise'],
    to: 'brouillon',
    body: { type: 'REQUEST_COMPLEMENT', message: 'Merci de préciser les signes d’alerte' },
  },
  {
    sender: 'coordinateur',
    from: ['fiche_transmise'],
    to: 'saisine_concertee',
    body: { type: 'OPEN_SAISINE', partenaireIds: ['caf13', 'etat'] },
  },
  {
    sender: 'consulted-partenaire',
    from: ['saisine_concertee'],
    to: 'saisine_concertee',
    body: { type: 'GIVE_AVIS', avis: 'reserve', commentaire: 'Sous réserve d’un plan de trésorerie' },
  },
  {
    sender: 'coordinateur',
    from: ['saisine_concertee'],
    to: 'diagnostic_en_cours',
    body: { type: 'ACCEPT', prestataireId: 'cabinet-b' },
    given: [event({ type: 'GIVE_AVIS', avis: 'favorable' }, actors.etat)],
  },
  {
    sender: 'coordinateur',
    from: ['saisine_concertee'],
    to: 'refusee',
    body: { type: 'REJECT', motif: 'Situation hors du champ du dispositif' },
  },
  {
    sender: 'assigned-prestataire',
    from: ['diagnostic_en_cours'],
    to: 'rapport_a_valider',
    body: { type: 'SUBMIT_RAPPORT', documentId: 'doc-rapport-7' },
  },
  {
    sender: 'gestionnaire',
    from: ['rapport_a_valider'],
    to: 'diagnostic_en_cours',
    body: { type: 'REQUEST_REVISION', commentaire: 'La partie RH est à reprendre' },
  },
  {
    sender: 'gestionnaire',
    from: ['rapport_a_valider'],
    to: 'restitution_a_faire',
    body: { type: 'VALIDATE_RAPPORT' },
  },
  {
    sender: 'assigned-prestataire',
    from: ['restitution_a_faire'],
    to: 'rencontre_partenaires',
    body: { type: 'RECORD_RESTITUTION', date: '2026-04-10', rencontrePartenaires: true },
  },
  {
    sender: 'assigned-prestataire',
    from: ['restitution_a_faire'],
    to: 'cloturee',
    body: { type: 'RECORD_RESTITUTION', date: '2026-04-10', rencontrePartenaires: false },
  },
  {
    sender: 'coordinateur',
    from: ['rencontre_partenaires'],
    to: 'cloturee',
    body: { type: 'RECORD_RENCONTRE', date: '2026-05-12' },
  },
  {
    sender: 'gestionnaire',
    from: ['brouillon', 'fiche_transmise', 'saisine_concertee'],
    to: 'abandonnee',
    body: { type: 'WITHDRAW', motif: 'Le conseil d’administration a trouvé une autre solution' },
  },
];

const ROLES: Role[] = ['gestionnaire', 'coordinateur', 'partenaire', 'prestataire'];

const ROLE_OF: Record<SenderKind, Role> = {
  gestionnaire: 'gestionnaire',
  coordinateur: 'coordinateur',
  'consulted-partenaire': 'partenaire',
  'assigned-prestataire': 'prestataire',
};

/** In the happy-path cases of the fixtures: caf13 is consulted, singuliers-co is assigned. */
const SENDING_ACTOR: Record<SenderKind, Actor> = {
  gestionnaire: actors.gestionnaire,
  coordinateur: actors.coordinateur,
  'consulted-partenaire': actors.caf13,
  'assigned-prestataire': actors.singuliers,
};

/** The most entitled actor of each role: when it is refused, the role is what refuses it. */
const ACTOR_OF_ROLE: Record<Role, Actor> = {
  gestionnaire: actors.gestionnaire,
  coordinateur: actors.coordinateur,
  partenaire: actors.caf13,
  prestataire: actors.singuliers,
};

const bodyOf = (type: CaseEventType): CaseEventBody => {
  const row = DESIGN_TABLE.find((t) => t.body.type === type);
  if (!row) throw new Error(`No row for ${type}`);
  return row.body;
};
const senderOf = (type: CaseEventType): SenderKind => {
  const row = DESIGN_TABLE.find((t) => t.body.type === type);
  if (!row) throw new Error(`No row for ${type}`);
  return row.sender;
};

const acceptedIn = (status: CaseStatus) =>
  new Set(DESIGN_TABLE.filter((t) => t.from.includes(status)).map((t) => t.body.type));

const transitions = DESIGN_TABLE.flatMap((row) =>
  row.from.map((from) => ({ ...row, from, type: row.body.type })),
);

describe('the transitions of DESIGN.md §3', () => {
  it.each(transitions)('$type from $from by the $sender goes to $to', ({ from, to, sender, body, given }) => {
    const current = applyAll(caseIn(from), given ?? []);
    const e = event(body, SENDING_ACTOR[sender]);

    const check = checkEvent(current, e);
    const outcome = applyEvent(current, e);

    expect(check).toEqual({ ok: true });
    expect(outcome.applied && outcome.next.status).toBe(to);
  });

  it.each(transitions)(
    '$type from $from is forbidden to every role but the $sender',
    ({ from, sender, body, given }) => {
      const current = applyAll(caseIn(from), given ?? []);
      const others = ROLES.filter((role) => role !== ROLE_OF[sender]);

      const results = others.map((role) => {
        const e = event(body, ACTOR_OF_ROLE[role]);
        return { role, check: checkEvent(current, e), applied: applyEvent(current, e).applied };
      });

      expect(results).toEqual(
        others.map((role) => ({ role, check: { ok: false, reason: 'forbidden' }, applied: false })),
      );
    },
  );

  it.each(STATUSES)(
    'in %s, the events of other statuses are not possible, even from their sender',
    (status) => {
      const current = caseIn(status);
      const accepted = acceptedIn(status);

      const actual = Object.fromEntries(
        EVENT_TYPES.map((type) => [
          type,
          checkEvent(current, event(bodyOf(type), SENDING_ACTOR[senderOf(type)])),
        ]),
      );

      expect(actual).toEqual(
        Object.fromEntries(
          EVENT_TYPES.map((type) => [
            type,
            accepted.has(type) ? { ok: true } : { ok: false, reason: 'not-possible' },
          ]),
        ),
      );
    },
  );

  it.each(STATUSES)('in %s, an event the status does not accept is refused by applyEvent too', (status) => {
    const current = caseIn(status);
    const notAccepted = EVENT_TYPES.filter((type) => !acceptedIn(status).has(type));

    const applied = notAccepted.filter(
      (type) => applyEvent(current, event(bodyOf(type), SENDING_ACTOR[senderOf(type)])).applied,
    );

    expect(applied).toEqual([]);
  });

  it('a gestionnaire of another centre, a partenaire not consulted and a prestataire not assigned have no relation to the case (404), and the machine refuses them too', () => {
    const saisine = caseIn('saisine_concertee');
    const diagnostic = caseIn('diagnostic_en_cours');
    const unrelated = (current: typeof saisine, body: CaseEventBody, by: Actor) => {
      const relation = relationOf(current, by);
      expect(relation).toBeUndefined();
      return event(body, by, { relation });
    };

    expect(checkEvent(saisine, unrelated(saisine, { type: 'WITHDRAW' }, actors.otherGestionnaire))).toEqual({
      ok: false,
      reason: 'forbidden',
    });
    expect(
      checkEvent(saisine, unrelated(saisine, { type: 'GIVE_AVIS', avis: 'favorable' }, actors.vitrolles)),
    ).toEqual({ ok: false, reason: 'forbidden' });
    const rapport = unrelated(
      diagnostic,
      { type: 'SUBMIT_RAPPORT', documentId: 'doc-rapport-1' },
      actors.cabinetB,
    );
    expect(checkEvent(diagnostic, rapport)).toEqual({ ok: false, reason: 'forbidden' });
    expect(applyEvent(diagnostic, rapport).applied).toBe(false);
  });

  it('the role check comes before the status check (403 before 409)', () => {
    const closed = caseIn('cloturee');

    const check = checkEvent(closed, event({ type: 'SUBMIT_FICHE' }, actors.coordinateur));

    expect(check).toEqual({ ok: false, reason: 'forbidden' });
  });

  it('the fiche can be replaced in brouillon only, and only by its gestionnaire', () => {
    const fiche = { nature: 'crise_averee' as const };
    const update = (by: Actor) => event({ type: 'UPDATE_FICHE', fiche }, by);

    const inDraft = applyEvent(caseIn('brouillon'), update(actors.gestionnaire));

    expect(inDraft.applied && inDraft.next).toMatchObject({ status: 'brouillon', context: { fiche } });
    expect(checkEvent(caseIn('fiche_transmise'), update(actors.gestionnaire))).toEqual({
      ok: false,
      reason: 'not-possible',
    });
    // Another centre's board has no relation to the case: it never reaches the machine (404).
    expect(relationOf(caseIn('brouillon'), actors.otherGestionnaire)).toBeUndefined();
    expect(checkEvent(caseIn('brouillon'), update(actors.coordinateur))).toEqual({
      ok: false,
      reason: 'forbidden',
    });
  });
});

/** How each test actor stands to the happy-path case (none: the procedure never lets it send). */
const KIND_OF: Record<ActorName, SenderKind | undefined> = {
  gestionnaire: 'gestionnaire',
  otherGestionnaire: undefined,
  federation: undefined, // cs-tilleuls is associative: fed-ifac does not run it
  coordinateur: 'coordinateur',
  caf13: 'consulted-partenaire',
  etat: 'consulted-partenaire',
  marseille: 'consulted-partenaire',
  vitrolles: undefined,
  singuliers: 'assigned-prestataire',
  cabinetB: undefined,
};

const expectedAllowed = (status: CaseStatus, name: ActorName): CaseEventType[] => {
  const kind = KIND_OF[name];
  const types = DESIGN_TABLE.filter((t) => t.from.includes(status) && t.sender === kind).map(
    (t) => t.body.type,
  );
  return [...new Set(types)].sort();
};

describe('the machine and the domain', () => {
  it('has exactly the ten statuses the domain names', () => {
    expect(Object.keys(caseMachine.root.states).sort()).toEqual([...CASE_STATUSES].sort());
    expect([...CASE_STATUSES].sort()).toEqual([...STATUSES].sort());
  });
});

describe('allowedEvents', () => {
  const names = Object.keys(actors) as ActorName[];

  it.each(STATUSES)('in %s, each actor is offered the events of §3 it sends from there', (status) => {
    const current = caseIn(status);

    const actual = Object.fromEntries(names.map((n) => [n, [...offered(current, actors[n])].sort()]));

    expect(actual).toEqual(Object.fromEntries(names.map((n) => [n, expectedAllowed(status, n)])));
  });

  it('offers the gestionnaire events to the federation that runs the centre', () => {
    const mistral = { centreId: 'cs-mistral', federationId: 'fed-ifac', gestionnaire: actors.federation };
    const current = caseIn('rapport_a_valider', mistral);

    const allowed = offered(current, actors.federation);

    expect([...allowed].sort()).toEqual(['REQUEST_REVISION', 'VALIDATE_RAPPORT']);
    expect(offered(current, actor('gestionnaire', 'fed-ucs13'))).toEqual([]);
  });

  it('offers nothing to a partenaire before it is consulted, nor to a prestataire before assignment', () => {
    const draft = newCase();

    expect(offered(draft, actors.caf13)).toEqual([]);
    expect(offered(draft, actors.singuliers)).toEqual([]);
  });
});
