import { beforeEach, describe, expect, it } from 'vitest';
import { caseView } from '../../../shared/access/policy.ts';
import { changeCase } from '../../../shared/cases/change-case.ts';
import type { CaseDeps } from '../../../shared/cases/ports.ts';
import { listCases } from '../../../shared/cases/read-cases.ts';
import { visibleCase } from '../../../shared/cases/visible-case.ts';
import type { Actor, CaseRecord, Relation } from '../../../shared/domain/case.ts';
import { InvalidInputError } from '../../../shared/domain/errors.ts';
import { actors, caller, caseIn, completeFiche, recordOf } from '../../helpers/case-fixtures.ts';
import { type MemoryCaseStore, memoryCaseDeps, memoryCaseStore } from '../../helpers/memory-case-store.ts';

/**
 * The délais as the use cases apply them (DESIGN.md §3): a change of status opens its step's due
 * date, from the day of the change, in calendar days for the fiche's nature, moved past weekends
 * and public holidays; the case's answer says whether it is overdue. Dates written by hand.
 */
let clock: Date;
let store: MemoryCaseStore;
let deps: CaseDeps;

beforeEach(() => {
  clock = new Date('2026-03-02T10:00:00.000Z'); // Monday 2 March 2026
  store = memoryCaseStore(() => clock);
  deps = memoryCaseDeps(store, () => clock);
});

async function send(as: Actor, record: CaseRecord, body: Parameters<typeof changeCase>[1]['body']) {
  const who = caller(as);
  const found = await visibleCase(deps, who, record.id);
  return changeCase(deps, { caller: who, found, body, request: { caseId: record.id, body } });
}

describe('a change of status opens the due date of the step it leads to', () => {
  it('SUBMIT_FICHE, préventive: 5 days from Monday 2 March is Saturday 7, so Monday 9 March', async () => {
    const draft = recordOf(caseIn('brouillon'));
    store.put(draft);

    const answer = await send(actors.gestionnaire, draft, { type: 'SUBMIT_FICHE' });

    expect(answer.deadline).toEqual({ step: 'fiche_transmise', dueAt: '2026-03-09', overdue: false });
    expect((await store.get('caf13', draft.id))?.deadline).toEqual({
      step: 'fiche_transmise',
      dueAt: '2026-03-09',
    });
  });

  it('SUBMIT_FICHE, crise avérée: 2 days from Wednesday 29 April is Friday 1 May, so Monday 4 May', async () => {
    clock = new Date('2026-04-29T08:00:00.000Z');
    const draft = recordOf(caseIn('brouillon', { fiche: completeFiche({ nature: 'crise_averee' }) }));
    store.put(draft);

    const answer = await send(actors.gestionnaire, draft, { type: 'SUBMIT_FICHE' });

    expect(answer.deadline).toEqual({ step: 'fiche_transmise', dueAt: '2026-05-04', overdue: false });
  });

  it('GIVE_AVIS keeps the saisine’s due date; ACCEPT opens the diagnostic’s (30 days)', async () => {
    const submitted = recordOf(caseIn('fiche_transmise'));
    store.put(submitted);
    const opened = await send(actors.coordinateur, submitted, {
      type: 'OPEN_SAISINE',
      partenaireIds: ['caf13', 'etat'],
    });
    // 10 days from Monday 2 March: Thursday 12 March.
    expect(opened.deadline).toMatchObject({ step: 'saisine_concertee', dueAt: '2026-03-12' });

    clock = new Date('2026-03-05T10:00:00.000Z');
    const stored = (await store.get('caf13', submitted.id)) as CaseRecord;
    const avis = await send(actors.caf13, stored, { type: 'GIVE_AVIS', avis: 'favorable' });
    expect(avis.deadline).toMatchObject({ step: 'saisine_concertee', dueAt: '2026-03-12' });

    const accepted = await send(actors.coordinateur, (await store.get('caf13', submitted.id)) as CaseRecord, {
      type: 'ACCEPT',
      prestataireId: 'singuliers-co',
    });
    // 30 days from Thursday 5 March: Saturday 4 April, so Monday 6 April (Easter Monday), so Tuesday 7 April.
    expect(accepted.deadline).toMatchObject({ step: 'diagnostic_en_cours', dueAt: '2026-04-07' });
  });

  it('REQUEST_REVISION gives the diagnostic 15 days (préventive), not 30', async () => {
    const waiting = recordOf(caseIn('rapport_a_valider'));
    store.put(waiting);

    const answer = await send(actors.gestionnaire, waiting, {
      type: 'REQUEST_REVISION',
      commentaire: 'Compléter',
    });

    // 15 days from Monday 2 March: Tuesday 17 March.
    expect(answer.deadline).toMatchObject({ step: 'diagnostic_en_cours', dueAt: '2026-03-17' });
  });

  it('no due date in brouillon (a complement asked) nor once the case is closed', async () => {
    const submitted = recordOf(caseIn('fiche_transmise'), {
      deadline: { step: 'fiche_transmise', dueAt: '2026-03-09' },
    });
    store.put(submitted);
    const back = await send(actors.coordinateur, submitted, {
      type: 'REQUEST_COMPLEMENT',
      message: 'Préciser',
    });
    expect(back).not.toHaveProperty('deadline');
    expect((await store.get('caf13', submitted.id))?.deadline).toBeUndefined();

    const rencontre = recordOf(caseIn('rencontre_partenaires'), { id: 'c-01jq7k9m2x3v4b5n6p7q8r9s0v' });
    store.put(rencontre);
    const closed = await send(actors.coordinateur, rencontre, {
      type: 'RECORD_RENCONTRE',
      date: '2026-03-02',
    });
    expect(closed.status).toBe('cloturee');
    expect(closed).not.toHaveProperty('deadline');
  });
});

describe('the case as each relation reads it', () => {
  const saisine = recordOf(caseIn('saisine_concertee'), {
    deadline: { step: 'saisine_concertee', dueAt: '2026-03-12' },
  });

  it('is overdue from the day after the due date, not on it (Paris days)', () => {
    const on = caseView(saisine, 'coordinateur', new Date('2026-03-12T22:59:00.000Z')); // 23:59 in Paris
    const after = caseView(saisine, 'coordinateur', new Date('2026-03-12T23:00:00.000Z')); // 13 March in Paris
    expect(on.deadline).toEqual({ step: 'saisine_concertee', dueAt: '2026-03-12', overdue: false });
    expect(after.deadline).toEqual({ step: 'saisine_concertee', dueAt: '2026-03-12', overdue: true });
  });

  it.each<[Relation, boolean]>([
    ['coordinateur', true],
    ['partenaire', true],
    ['gestionnaire', false],
    ['prestataire', false],
  ])('counts the avis received and requested during the saisine for the %s: %s', (relation, counts) => {
    // The happy path consults caf13, etat and commune-marseille; no avis given yet.
    const view = caseView(saisine, relation, new Date('2026-03-05T10:00:00.000Z'));
    if (counts) expect(view).toMatchObject({ avisReceived: 0, avisRequested: 3 });
    else {
      expect(view).not.toHaveProperty('avisReceived');
      expect(view).not.toHaveProperty('avisRequested');
    }
  });
});

describe('GET /cases?overdue=true', () => {
  it('lists only the cases whose step is overdue, newest first, page by page, from the due-date index', async () => {
    // Four cases submitted on four days of March: their fiche_transmise steps fall due 5 days later.
    const ids: string[] = [];
    for (const [i, day] of ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-16'].entries()) {
      clock = new Date(`${day}T10:00:00.000Z`);
      const draft = recordOf(caseIn('brouillon'), {
        id: `c-01jq7k9m2x3v4b5n6p7q8r9s${String(i).padStart(2, '0')}`,
        createdAt: clock.toISOString(),
      });
      store.put(draft);
      await send(actors.gestionnaire, draft, { type: 'SUBMIT_FICHE' });
      ids.push(draft.id);
    }
    // Due: 9 March (Mon), 9 March (Sun 8 → Mon 9), 9 March (Mon), 23 March (Sat 21 → Mon 23).
    clock = new Date('2026-03-10T08:00:00.000Z');
    const coordination = caller(actors.coordinateur);

    const first = await listCases(deps, coordination, { overdue: true, limit: 2 });
    const second = await listCases(deps, coordination, {
      overdue: true,
      limit: 2,
      cursor: first.nextCursor as string,
    });

    expect(first.items.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    expect(second.items.map((c) => c.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
    expect(first.items.every((c) => c.deadline?.overdue)).toBe(true);
    const all = await listCases(deps, coordination, { limit: 10 });
    expect(all.items).toHaveLength(4);
  });

  it('with a status too, filters before cutting the page: no empty page with a cursor', async () => {
    clock = new Date('2026-03-02T10:00:00.000Z');
    const saisine = recordOf(caseIn('fiche_transmise'), { id: 'c-01jq7k9m2x3v4b5n6p7q8r9u00' });
    store.put(saisine);
    await send(actors.coordinateur, saisine, { type: 'OPEN_SAISINE', partenaireIds: ['caf13'] }); // due 12 March
    for (const [i, day] of ['2026-03-03', '2026-03-04'].entries()) {
      clock = new Date(`${day}T10:00:00.000Z`);
      const draft = recordOf(caseIn('brouillon'), {
        id: `c-01jq7k9m2x3v4b5n6p7q8r9u${String(i + 1).padStart(2, '0')}`,
        createdAt: clock.toISOString(),
      });
      store.put(draft);
      await send(actors.gestionnaire, draft, { type: 'SUBMIT_FICHE' }); // due 9 March
    }
    clock = new Date('2026-03-20T08:00:00.000Z');

    const page = await listCases(deps, caller(actors.coordinateur), {
      status: 'saisine_concertee',
      overdue: true,
      limit: 1,
    });

    expect(page.items.map((c) => c.id)).toEqual([saisine.id]);
    expect(page.nextCursor).toBeNull();
  });

  it('refuses a cursor of the whole listing in the overdue one (400 naming query.cursor)', async () => {
    for (const [i, day] of ['2026-03-02', '2026-03-03'].entries()) {
      clock = new Date(`${day}T10:00:00.000Z`);
      const draft = recordOf(caseIn('brouillon'), {
        id: `c-01jq7k9m2x3v4b5n6p7q8r9t${String(i).padStart(2, '0')}`,
        createdAt: clock.toISOString(),
      });
      store.put(draft);
      await send(actors.gestionnaire, draft, { type: 'SUBMIT_FICHE' });
    }
    const coordination = caller(actors.coordinateur);
    const whole = await listCases(deps, coordination, { limit: 1 });
    await expect(
      listCases(deps, coordination, { overdue: true, limit: 1, cursor: whole.nextCursor as string }),
    ).rejects.toThrow(InvalidInputError);
  });
});
