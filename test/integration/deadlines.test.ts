import { describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import { caseIn, USERS } from '../helpers/cases.ts';

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
