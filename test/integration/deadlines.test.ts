import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { LOCAL_TABLE } from '../../infra/local/stack.ts';
import { apiClient } from '../helpers/api.ts';
import { caseIn, USERS } from '../helpers/cases.ts';
import { emulatorAccess } from '../helpers/fixtures.ts';

const api = apiClient();
const parisToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

describe('due dates and avis counts in case answers (DESIGN.md §3)', () => {
  it('a case waiting on a step carries its due date, a working day after today, not yet overdue', async () => {
    const c = await caseIn(api, 'fiche_transmise');
    const res = await api.call('GET', `/cases/${c.id}`, { as: USERS.coordination });
    expect(res.status).toBe(200);
    const { step, dueAt, overdue } = res.json.deadline;
    expect(step).toBe('fiche_transmise');
    expect(dueAt > parisToday()).toBe(true);
    expect([0, 6]).not.toContain(new Date(`${dueAt}T12:00:00Z`).getUTCDay());
    expect(overdue).toBe(false);
  });

  it('a draft has no due date', async () => {
    const c = await caseIn(api, 'brouillon');
    const res = await api.call('GET', `/cases/${c.id}`, { as: USERS.tilleuls });
    expect(res.json).not.toHaveProperty('deadline');
  });

  it('during the saisine, the coordinateur and the consulted partenaires see how many avis came in; the centre does not', async () => {
    const c = await caseIn(api, 'saisine_concertee');
    const seen = async (as: string) => (await api.call('GET', `/cases/${c.id}`, { as })).json;
    const coordination = await seen(USERS.coordination);
    expect(coordination.avisRequested).toBe(coordination.consultedPartenaireIds.length);
    expect(coordination.avisReceived).toBe((coordination.avis ?? []).length);
    expect(await seen(USERS.caf)).toMatchObject({ avisRequested: coordination.avisRequested });
    const centre = await seen(USERS.tilleuls);
    expect(centre).not.toHaveProperty('avisReceived');
    expect(centre.deadline.step).toBe('saisine_concertee');
  });
});

describe('GET /cases?overdue=true', () => {
  /** A case whose step fell due on 5 January 2026, as if submitted long ago (set below the API). */
  async function overdueCase() {
    const c = await caseIn(api, 'fiche_transmise');
    const { clients } = emulatorAccess();
    const pk = `T#caf13#CASE#${c.id}`;
    const { Items = [] } = await clients.db.send(
      new QueryCommand({
        TableName: LOCAL_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      }),
    );
    for (const item of Items) {
      if (item.sk === 'CASE') {
        await clients.db.send(
          new UpdateCommand({
            TableName: LOCAL_TABLE,
            Key: { pk, sk: 'CASE' },
            UpdateExpression: 'SET deadline.dueAt = :due',
            ExpressionAttributeValues: { ':due': '2026-01-05' },
          }),
        );
      } else if (item.kind === 'view') {
        await clients.db.send(
          new UpdateCommand({
            TableName: LOCAL_TABLE,
            Key: { pk, sk: item.sk },
            UpdateExpression: 'SET dueAt = :due, gsi3sk = :sk',
            ExpressionAttributeValues: {
              ':due': '2026-01-05',
              ':sk': `2026-01-05#${item.createdAt}#${c.id}`,
            },
          }),
        );
      }
    }
    return c;
  }

  it('keeps only the cases whose current step is overdue, for the viewers who see them', async () => {
    const late = await overdueCase();
    const onTime = await caseIn(api, 'fiche_transmise');
    const ids = async (as: string, query = 'overdue=true') => {
      const res = await api.call('GET', `/cases?${query}&limit=100`, { as });
      expect(res.status).toBe(200);
      return res.json.items.map((c: { id: string }) => c.id) as string[];
    };

    const coordination = await ids(USERS.coordination);
    expect(coordination).toContain(late.id);
    expect(coordination).not.toContain(onTime.id);
    expect(await ids(USERS.tilleuls)).toContain(late.id);
    expect(await ids(USERS.oliviers)).not.toContain(late.id);
    const res = await api.call('GET', `/cases/${late.id}`, { as: USERS.coordination });
    expect(res.json.deadline).toEqual({ step: 'fiche_transmise', dueAt: '2026-01-05', overdue: true });
    expect(await ids(USERS.coordination, 'overdue=false')).toContain(onTime.id);
  });

  it('answers 400 naming query.overdue for anything but true or false', async () => {
    const res = await api.call('GET', '/cases?overdue=yes', { as: USERS.coordination });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([expect.objectContaining({ path: 'query.overdue' })]);
  });
});
