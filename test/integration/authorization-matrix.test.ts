import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { seedReferentiel, seedUsers } from '../../infra/local/seed-data.ts';
import { routeList } from '../../shared/http/routes.ts';
import { apiClient } from '../helpers/api.ts';
import { type CaseFacts, caseIn, SCENARIOS, type Scenario } from '../helpers/cases.ts';
import { COMPLETE_FICHE, emulatorAccess } from '../helpers/fixtures.ts';
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
  'GET mails',
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
          // The mail log names every recipient: the coordination's only.
          cell('GET mails', !sees(user, c) ? 404 : user.role === 'coordinateur' ? 200 : 403, async () => {
            return (await api.call('GET', `/cases/${c.id}/mails`, { as: user.email })).status;
          }),
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

describe('authorization of the administration routes', () => {
  const COORDINATION = 'coordination@caf13.example.org';
  let target: { userId: string; email: string };
  /** Tokens of two users who may call nothing: one with no membership, one disabled. */
  const outsiders = new Map<string, string>();

  beforeAll(async () => {
    const invite = async (label: string, role: string, organisationId: string) => {
      const email = `matrice-${label}-${Date.now()}@example.org`;
      const res = await api.call('POST', '/admin/users', {
        as: COORDINATION,
        body: { email, role, organisationId },
      });
      expect(res.status, res.text).toBe(201);
      return { userId: res.json.userId as string, email };
    };
    target = await invite('cible', 'partenaire', 'commune-miramas');
    const disabled = await invite('desactive', 'partenaire', 'region');
    outsiders.set('disabled', await api.tokenFor(disabled.email));
    const off = await api.call('PATCH', `/admin/users/${disabled.userId}`, {
      as: COORDINATION,
      body: { enabled: false },
    });
    expect(off.status).toBe(200);
    const stranger = `matrice-sans-adhesion-${Date.now()}@example.org`;
    const { cognito } = emulatorAccess().clients;
    const UserPoolId = inject('identity').userPoolId;
    await cognito.send(
      new AdminCreateUserCommand({ UserPoolId, Username: stranger, MessageAction: 'SUPPRESS' }),
    );
    outsiders.set('no membership', await api.tokenFor(stranger));
  });

  const ADMIN_ROUTES = [
    'GET /admin/users',
    'POST /admin/users',
    'PATCH /admin/users/{id}',
    'GET /admin/membership-changes',
  ];
  const adminCells = ADMIN_ROUTES.length * (seedUsers.length + 2);

  it(`answers the coordinateur only, 403 to everyone else, and a refused call changes nothing: ${adminCells} cells`, async () => {
    const callers = [
      ...seedUsers.map((u) => ({ label: u.email, role: u.role, as: u.email }) as const),
      ...[...outsiders].map(([label, token]) => ({ label, role: 'none', token }) as const),
    ];
    const tasks = callers.flatMap((caller) => {
      const who = 'as' in caller ? { as: caller.as } : { token: caller.token };
      const ok = caller.role === 'coordinateur';
      const cell = (route: string, expected: number, run: () => Promise<number>) => async () =>
        ({ route, user: caller.label, subject: 'caf13', expected, actual: await run() }) satisfies Cell;
      return [
        cell(
          'GET /admin/users',
          ok ? 200 : 403,
          async () => (await api.call('GET', '/admin/users', who)).status,
        ),
        cell('POST /admin/users', ok ? 201 : 403, async () => {
          const email = `matrice-invite-${caller.role}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.org`;
          const body = { email, role: 'partenaire', organisationId: 'etat' };
          return (await api.call('POST', '/admin/users', { ...who, body })).status;
        }),
        cell('PATCH /admin/users/{id}', ok ? 200 : 403, async () => {
          const body = ok
            ? { organisationId: 'commune-vitrolles' }
            : { enabled: false, organisationId: 'etat' };
          return (await api.call('PATCH', `/admin/users/${target.userId}`, { ...who, body })).status;
        }),
        cell(
          'GET /admin/membership-changes',
          ok ? 200 : 403,
          async () => (await api.call('GET', '/admin/membership-changes', who)).status,
        ),
      ];
    });
    expect(tasks).toHaveLength(adminCells);
    const cells = await pool(4, tasks);
    expect(cells.filter((c) => c.expected !== c.actual)).toEqual([]);

    // Only the coordinateur's own calls left a trace: one invitation, one change of the target.
    const users = (await api.call('GET', '/admin/users', { as: COORDINATION })).json.items as {
      email: string;
      userId: string;
      organisationId: string;
      enabled: boolean;
    }[];
    expect(users.filter((u) => u.email.startsWith('matrice-invite-')).map((u) => u.email)).toEqual([
      expect.stringContaining('matrice-invite-coordinateur-'),
    ]);
    expect(users.find((u) => u.userId === target.userId)).toMatchObject({
      organisationId: 'commune-vitrolles',
      enabled: true,
    });
  });

  const jwtRoutes = routeList.filter((r) => r.auth === 'jwt');
  it(`refuses a user with no membership, or a disabled one, on every authenticated route: ${jwtRoutes.length * 2} cells`, async () => {
    const ids: Record<string, string> = {
      caseId: 'c-0000000000aaaaaaaaaaaaaaaa',
      documentId: 'd-0000000000aaaaaaaaaaaaaaaa',
      userId: '00000000-0000-4000-8000-000000000000',
    };
    const tasks = [...outsiders].flatMap(([label, token]) =>
      jwtRoutes.map((route) => async () => {
        const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] as string);
        const res = await api.call(route.method, path, {
          token,
          ...(route.method !== 'GET' && { body: {} }),
        });
        return {
          route: route.operationId,
          user: label,
          subject: path,
          expected: 403,
          actual: res.status,
        } satisfies Cell;
      }),
    );
    const cells = await pool(4, tasks);
    expect(cells.filter((c) => c.expected !== c.actual)).toEqual([]);
  });
});
