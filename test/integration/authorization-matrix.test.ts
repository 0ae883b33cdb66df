import { beforeAll, describe, expect, it } from 'vitest';
import { seedReferentiel, seedUsers } from '../../infra/local/seed-data.ts';
import { apiClient } from '../helpers/api.ts';
import { type CaseFacts, caseIn, SCENARIOS, type Scenario } from '../helpers/cases.ts';
import { COMPLETE_FICHE } from '../helpers/fixtures.ts';
import {
  type Cell,
  EVENT_TABLE,
  expectedAllowedEvents,
  FEDERATION_OF,
  sees,
  type TestUser,
} from '../helpers/oracle.ts';
import { pool } from '../helpers/pool.ts';

const api = apiClient();
const CENTRES = ['cs-tilleuls', 'cs-mistral'];
const CASE_ROUTES = [
  'GET case',
  'GET history',
  'PUT fiche',
  'POST event WITHDRAW',
  'GET /cases listing',
] as const;
const WITHDRAWABLE = EVENT_TABLE.WITHDRAW?.[1] as string[];

const caseCells = SCENARIOS.length * CENTRES.length * seedUsers.length * CASE_ROUTES.length;
const createCells = seedUsers.length * seedReferentiel.centres.length;

/** The answer DESIGN.md §2 and §4 give for a change attempt: 404 unseen, 403 wrong role, 409 wrong status. */
function expectedChange(user: TestUser, c: CaseFacts, role: string, statuses: string[]): number {
  if (!sees(user, c)) return 404;
  if (user.role !== role) return 403;
  return statuses.includes(c.status) ? 200 : 409;
}

describe('authorization', () => {
  const cases: CaseFacts[] = [];
  /** A fresh case per cell where WITHDRAW succeeds, so one cell's change does not move another's case. */
  const freshForWithdraw = new Map<string, CaseFacts>();
  let listings: Map<string, Set<string>>;

  beforeAll(async () => {
    const plan = CENTRES.flatMap((centre) =>
      SCENARIOS.map((scenario) => [centre, scenario] as [string, Scenario]),
    );
    cases.push(
      ...(await pool(
        4,
        plan.map(
          ([centre, scenario]) =>
            () =>
              caseIn(api, scenario, centre),
        ),
      )),
    );
    const withdrawers = cases.flatMap((c) =>
      seedUsers
        .filter((u) => expectedChange(u, c, 'gestionnaire', WITHDRAWABLE) === 200)
        .map((u) => [c, u] as const),
    );
    const fresh = await pool(
      4,
      withdrawers.map(
        ([c]) =>
          () =>
            caseIn(api, c.scenario, c.centreId),
      ),
    );
    for (const [i, [c, u]] of withdrawers.entries())
      freshForWithdraw.set(`${c.id}|${u.email}`, fresh[i] as CaseFacts);
    listings = new Map(
      await pool(
        4,
        seedUsers.map((u) => async () => {
          const ids = new Set<string>();
          let cursor: string | undefined;
          do {
            const res = await api.call('GET', `/cases?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
              as: u.email,
            });
            expect(res.status).toBe(200);
            for (const item of res.json.items) ids.add(item.id);
            cursor = res.json.nextCursor ?? undefined;
          } while (cursor);
          return [u.email, ids] as const;
        }),
      ),
    );
  }, 180_000);

  it(`matches DESIGN.md §2 and §4 on every case route × seeded user × case status and centre: ${caseCells} cells`, async () => {
    const tasks = cases.flatMap((c) =>
      seedUsers.flatMap((user) => {
        const subject = `${c.centreId}/${c.scenario}`;
        const cell =
          (route: string, expected: number | boolean, run: () => Promise<number | boolean>) => async () =>
            ({ route, user: user.email, subject, expected, actual: await run() }) satisfies Cell;
        const target = freshForWithdraw.get(`${c.id}|${user.email}`) ?? c;
        return [
          cell('GET case', sees(user, c) ? 200 : 404, async () => {
            const res = await api.call('GET', `/cases/${c.id}`, { as: user.email });
            if (res.status === 200) {
              expect([...res.json.allowedEvents].sort(), `${user.email} ${subject}`).toEqual(
                expectedAllowedEvents(user, c),
              );
              if (user.role === 'gestionnaire' || user.role === 'prestataire')
                expect(res.json.avis).toBeUndefined();
            }
            return res.status;
          }),
          cell('GET history', sees(user, c) ? 200 : 404, async () => {
            return (await api.call('GET', `/cases/${c.id}/history`, { as: user.email })).status;
          }),
          cell('PUT fiche', expectedChange(user, c, 'gestionnaire', ['brouillon']), async () => {
            return (await api.call('PUT', `/cases/${c.id}/fiche`, { as: user.email, body: COMPLETE_FICHE }))
              .status;
          }),
          cell(
            'POST event WITHDRAW',
            expectedChange(user, target, 'gestionnaire', WITHDRAWABLE),
            async () => {
              const body = { type: 'WITHDRAW', motif: 'Matrice' };
              return (await api.call('POST', `/cases/${target.id}/events`, { as: user.email, body })).status;
            },
          ),
          cell('GET /cases listing', sees(user, c), async () => listings.get(user.email)?.has(c.id) ?? false),
        ];
      }),
    );
    expect(tasks).toHaveLength(caseCells);
    const cells = await pool(8, tasks);
    expect(cells.filter((c) => c.expected !== c.actual)).toEqual([]);
  });

  it(`lets only a centre's own gestionnaire, or its federation's, open a case for it: ${createCells} cells`, async () => {
    const tasks = seedUsers.flatMap((user) =>
      seedReferentiel.centres.map((centre) => async () => {
        const own =
          user.role === 'gestionnaire' &&
          (user.organisationId === centre.id || user.organisationId === FEDERATION_OF[centre.id]);
        const res = await api.call('POST', '/cases', { as: user.email, body: { centreId: centre.id } });
        return {
          route: 'POST /cases',
          user: user.email,
          subject: centre.id,
          expected: own ? 201 : 403,
          actual: res.status,
        };
      }),
    );
    const cells = await pool(8, tasks);
    expect(cells).toHaveLength(createCells);
    expect(cells.filter((c) => c.expected !== c.actual)).toEqual([]);
  });
});
