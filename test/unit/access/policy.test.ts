import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  caseView,
  historyView,
  type Relation,
  relationTo,
  viewerKeyOf,
  viewerKeysOf,
} from '../../../shared/access/policy.ts';
import { type Actor, CaseSchema, type CaseStatus, type HistoryEvent } from '../../../shared/domain/case.ts';
import { chainEvent, GENESIS_HASH } from '../../../shared/domain/history-chain.ts';
import {
  actor,
  actors,
  applyAll,
  caller,
  caseIn,
  event,
  recordOf,
  STATUSES,
} from '../../helpers/case-fixtures.ts';

/** A moment for the views: due dates are read against it. */
const NOW = new Date('2026-03-10T09:00:00.000Z');

const mistralOptions = { centreId: 'cs-mistral', federationId: 'fed-ifac', gestionnaire: actors.federation };
const record = (status: CaseStatus) => recordOf(caseIn(status));
const as = (a: Actor, tenant?: string) => caller(a, tenant);

describe('relationTo', () => {
  it('the centre’s gestionnaire sees its case in every status; another centre never', () => {
    const relations = STATUSES.map((s) => [
      relationTo(as(actors.gestionnaire), record(s)),
      relationTo(as(actors.otherGestionnaire), record(s)),
    ]);

    expect(relations).toEqual(STATUSES.map(() => ['gestionnaire', undefined]));
  });

  it('a federation sees the cases of the centres it runs, and only those', () => {
    const mistral = recordOf(caseIn('brouillon', mistralOptions));

    expect(relationTo(as(actors.federation), mistral)).toBe('gestionnaire');
    expect(relationTo(as({ ...actors.gestionnaire, organisationId: 'cs-mistral' }), mistral)).toBe(
      'gestionnaire',
    );
    expect(relationTo(as({ ...actors.federation, organisationId: 'fed-ucs13' }), mistral)).toBeUndefined();
    expect(relationTo(as(actors.federation), record('brouillon'))).toBeUndefined();
  });

  it('the coordinateur sees a case once its fiche was submitted, even back in brouillon', () => {
    const firstDraft = record('brouillon');
    const backToDraft = recordOf(
      applyAll(caseIn('fiche_transmise'), [
        event({ type: 'REQUEST_COMPLEMENT', message: 'Précisez' }, actors.coordinateur),
      ]),
    );

    expect(relationTo(as(actors.coordinateur), firstDraft)).toBeUndefined();
    expect(relationTo(as(actors.coordinateur), record('fiche_transmise'))).toBe('coordinateur');
    expect(relationTo(as(actors.coordinateur), backToDraft)).toBe('coordinateur');
    expect(relationTo(as(actors.coordinateur), recordOf(caseIn('abandonnee')))).toBeUndefined();
  });

  it('a partenaire sees a case from the saisine on, only when consulted', () => {
    expect(relationTo(as(actors.caf13), record('fiche_transmise'))).toBeUndefined();
    expect(relationTo(as(actors.caf13), record('saisine_concertee'))).toBe('partenaire');
    expect(relationTo(as(actors.caf13), record('cloturee'))).toBe('partenaire');
    expect(relationTo(as(actors.vitrolles), record('saisine_concertee'))).toBeUndefined();
  });

  it('a prestataire sees a case once assigned to its firm, only then', () => {
    expect(relationTo(as(actors.singuliers), record('saisine_concertee'))).toBeUndefined();
    expect(relationTo(as(actors.singuliers), record('diagnostic_en_cours'))).toBe('prestataire');
    expect(relationTo(as(actors.singuliers), record('cloturee'))).toBe('prestataire');
    expect(relationTo(as(actors.cabinetB), record('diagnostic_en_cours'))).toBeUndefined();
    expect(relationTo(as(actors.singuliers), record('refusee'))).toBeUndefined();
  });

  it('a user of another tenant never sees the case, whatever its role and organisation', () => {
    const closed = record('cloturee');
    const everyone = [actors.gestionnaire, actors.coordinateur, actors.caf13, actors.singuliers];

    expect(everyone.map((a) => relationTo(as(a, 'caf06'), closed))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(everyone.map((a) => relationTo(as(a), closed))).toEqual([
      'gestionnaire',
      'coordinateur',
      'partenaire',
      'prestataire',
    ]);
  });
});

describe('viewerKeysOf', () => {
  it('lists the centre, the federation, the coordination, the consulted partners and the firm', () => {
    const mistral = recordOf(caseIn('diagnostic_en_cours', mistralOptions));

    expect(viewerKeysOf(mistral)).toEqual([
      'org#cs-mistral',
      'org#fed-ifac',
      'coordination',
      'org#caf13',
      'org#etat',
      'org#commune-marseille',
      'org#singuliers-co',
    ]);
    expect(viewerKeysOf(record('brouillon'))).toEqual(['org#cs-tilleuls']);
  });

  it('finds a case under a caller’s listing key exactly when the caller may see it', () => {
    const callers = [
      ...Object.values(actors),
      { ...actors.gestionnaire, organisationId: 'cs-mistral' },
      { ...actors.federation, organisationId: 'fed-ucs13' },
    ];
    const statuses = fc.constantFrom(...STATUSES);
    const centres = fc.constantFrom({}, mistralOptions, {
      centreId: 'cs-calanques',
      federationId: 'fed-ifac',
      gestionnaire: actors.federation,
    });

    fc.assert(
      fc.property(statuses, centres, fc.constantFrom(...callers), (status, options, a) => {
        const r = recordOf(caseIn(status, options));

        expect(viewerKeysOf(r).includes(viewerKeyOf(as(a)))).toBe(relationTo(as(a), r) !== undefined);
      }),
    );
  });
});

describe('caseView', () => {
  const withAvis = () =>
    recordOf(
      applyAll(caseIn('saisine_concertee'), [
        event({ type: 'GIVE_AVIS', avis: 'favorable', commentaire: 'Oui' }, actors.caf13, {
          at: '2026-03-05T10:00:00.000Z',
        }),
        event({ type: 'GIVE_AVIS', avis: 'defavorable' }, actors.etat, { at: '2026-03-05T11:00:00.000Z' }),
        event({ type: 'ACCEPT', prestataireId: 'singuliers-co' }, actors.coordinateur),
      ]),
    );
  const viewers: Relation[] = ['gestionnaire', 'coordinateur', 'partenaire', 'prestataire'];

  it.each(viewers)('for the %s, conforms to the Case schema of the API', (relation) => {
    const view = caseView(withAvis(), relation, NOW);

    expect(CaseSchema.safeParse(view).error).toBeUndefined();
  });

  it.each(viewers.filter((role) => role === 'gestionnaire' || role === 'prestataire'))(
    'hides the avis from the %s but shows the decision',
    (relation) => {
      const view = caseView(withAvis(), relation, NOW);

      expect(view).not.toHaveProperty('avis');
      expect(JSON.stringify(view)).not.toMatch(/defavorable|"Oui"/);
      expect(view.decision).toEqual({ outcome: 'accepted', at: '2026-03-02T09:00:00.000Z' });
    },
  );

  it.each(viewers.filter((role) => role === 'coordinateur' || role === 'partenaire'))(
    'shows the %s every avis and who gave it',
    (relation) => {
      const view = caseView(withAvis(), relation, NOW);

      expect(view.avis).toEqual([
        { partenaireId: 'caf13', avis: 'favorable', commentaire: 'Oui', at: '2026-03-05T10:00:00.000Z' },
        { partenaireId: 'etat', avis: 'defavorable', at: '2026-03-05T11:00:00.000Z' },
      ]);
    },
  );

  it('gives each caller the events it may send now', () => {
    const r = record('rapport_a_valider');

    expect(caseView(r, 'gestionnaire', NOW).allowedEvents.sort()).toEqual([
      'REQUEST_REVISION',
      'VALIDATE_RAPPORT',
    ]);
    expect(caseView(r, 'coordinateur', NOW).allowedEvents).toEqual([]);
  });

  it('carries the identity and bookkeeping of the record', () => {
    const r = recordOf(caseIn('brouillon'), { version: 7 });

    const view = caseView(r, 'gestionnaire', NOW);

    expect(view).toEqual({
      id: r.id,
      centreId: 'cs-tilleuls',
      status: 'brouillon',
      version: 7,
      fiche: r.context.fiche,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      allowedEvents: ['SUBMIT_FICHE', 'WITHDRAW'],
    });
  });
});

describe('historyView', () => {
  const history = (): HistoryEvent[] => {
    const contents = [
      {
        type: 'OPEN_SAISINE',
        actor: actor('coordinateur', 'caf13-coordination'),
        payload: { consultedPartenaireIds: ['etat'] },
      },
      {
        type: 'GIVE_AVIS',
        actor: actor('partenaire', 'etat'),
        payload: { avis: 'defavorable', commentaire: 'Non' },
      },
      {
        type: 'ACCEPT',
        actor: actor('coordinateur', 'caf13-coordination'),
        payload: { prestataireId: 'singuliers-co' },
      },
    ];
    const events: HistoryEvent[] = [];
    for (const [i, c] of contents.entries()) {
      events.push(
        chainEvent({ ...c, seq: i + 1, at: atDay(i), prevHash: events.at(-1)?.hash ?? GENESIS_HASH }),
      );
    }
    return events;
  };

  it.each(['gestionnaire', 'prestataire'] as const)(
    'redacts each avis for the %s, keeping its place in the chain',
    (relation) => {
      const events = history();

      const view = historyView(events, relation);

      expect(view[1]).toEqual({
        seq: 2,
        type: 'GIVE_AVIS',
        at: atDay(1),
        actor: { role: 'partenaire' },
        redacted: true,
        prevHash: events[0]?.hash,
        hash: events[1]?.hash,
      });
      expect(view[2]?.prevHash).toBe(view[1]?.hash);
    },
  );

  it.each(['coordinateur', 'partenaire'] as const)('shows each avis and its author to the %s', (relation) => {
    const view = historyView(history(), relation);

    expect(view[1]).toMatchObject({
      actor: { role: 'partenaire', organisationId: 'etat' },
      payload: { avis: 'defavorable', commentaire: 'Non' },
    });
    expect(view[1]).not.toHaveProperty('redacted');
  });

  it.each(['gestionnaire', 'coordinateur', 'partenaire', 'prestataire'] as const)(
    'keeps the other events whole for the %s, without the actor’s sub',
    (relation) => {
      const events = history();

      const view = historyView(events, relation);

      expect(view[2]).toEqual({
        seq: 3,
        type: 'ACCEPT',
        at: atDay(2),
        actor: { role: 'coordinateur', organisationId: 'caf13-coordination' },
        payload: { prestataireId: 'singuliers-co' },
        salt: events[2]?.salt,
        prevHash: events[1]?.hash,
        hash: events[2]?.hash,
      });
    },
  );

  it.each(['coordinateur', 'partenaire'] as const)(
    'hides the drafts of the fiche from the %s',
    (relation) => {
      const created = chainEvent({
        seq: 1,
        type: 'CASE_CREATED',
        at: atDay(0),
        actor: { sub: 'g', role: 'gestionnaire', organisationId: 'cs-tilleuls' },
        payload: { centreId: 'cs-tilleuls', fiche: { signesAlerte: 'Première version, brouillon' } },
        prevHash: GENESIS_HASH,
      });
      const updated = chainEvent({
        seq: 2,
        type: 'UPDATE_FICHE',
        at: atDay(1),
        actor: { sub: 'g', role: 'gestionnaire', organisationId: 'cs-tilleuls' },
        payload: { fiche: { signesAlerte: 'Deuxième version' } },
        prevHash: created.hash,
      });
      const view = historyView([created, updated], relation);
      expect(view.map((e) => [e.redacted, e.payload])).toEqual([
        [true, undefined],
        [true, undefined],
      ]);
      expect(historyView([created, updated], 'prestataire').map((e) => e.redacted)).toEqual([
        undefined,
        undefined,
      ]);
    },
  );

  it.each(['coordinateur', 'partenaire'] as const)(
    'hides the rapport submissions and revision requests from the %s, salt included',
    (relation) => {
      const events = [
        chainEvent({
          seq: 1,
          type: 'SUBMIT_RAPPORT',
          at: atDay(1),
          actor: { sub: 'p', role: 'prestataire', organisationId: 'singuliers-co' },
          payload: { documentId: 'd-1' },
          prevHash: GENESIS_HASH,
        }),
      ];
      events.push(
        chainEvent({
          seq: 2,
          type: 'REQUEST_REVISION',
          at: atDay(2),
          actor: { sub: 'g', role: 'gestionnaire', organisationId: 'cs-tilleuls' },
          payload: { commentaire: 'Retirer le passage sur le conflit' },
          prevHash: events[0]?.hash as string,
        }),
      );
      for (const entry of historyView(events, relation)) {
        expect(entry).toEqual({
          seq: expect.any(Number),
          type: expect.any(String),
          at: expect.any(String),
          actor: { role: expect.any(String) },
          redacted: true,
          prevHash: expect.any(String),
          hash: expect.any(String),
        });
      }
      expect(historyView(events, 'gestionnaire').map((e) => e.payload)).toEqual([
        { documentId: 'd-1' },
        { commentaire: 'Retirer le passage sur le conflit' },
      ]);
    },
  );
});

function atDay(i: number): string {
  return new Date(Date.UTC(2026, 2, 1 + i, 9)).toISOString();
}
