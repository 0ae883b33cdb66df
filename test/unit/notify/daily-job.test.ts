import { describe, expect, it } from 'vitest';
import type { CaseRecord, CaseStatus } from '../../../shared/domain/case.ts';
import type { DelaiStep } from '../../../shared/domain/delais.ts';
import { mailFactsOf } from '../../../shared/mail/mail-input.ts';
import { runDailyJob } from '../../../shared/notify/daily-job.ts';
import { dispatchOutbox } from '../../../shared/notify/dispatch.ts';
import { actors, applyAll, caseIn, event, recordOf } from '../../helpers/case-fixtures.ts';
import { memoryNotifyDeps } from '../../helpers/memory-notify.ts';

/** 08:00 in Paris on a March day (UTC+1). */
const at8 = (day: string) => new Date(`${day}T07:00:00.000Z`);

function waiting(
  status: CaseStatus & DelaiStep,
  dueAt: string,
  options: { avisFrom?: ('caf13' | 'etat' | 'marseille')[]; federation?: boolean; id?: string } = {},
): CaseRecord {
  let persisted = caseIn(status, {
    ...(options.federation && {
      centreId: 'cs-mistral',
      federationId: 'fed-ifac',
      gestionnaire: actors.federation,
    }),
  });
  if (options.avisFrom) {
    persisted = applyAll(
      { ...persisted, context: { ...persisted.context, avis: {} } },
      options.avisFrom.map((who) => event({ type: 'GIVE_AVIS', avis: 'favorable' }, actors[who])),
    );
  }
  return recordOf(persisted, {
    deadline: { step: status, dueAt },
    ...(options.id && { id: options.id }),
  });
}

const sentLines = (report: Awaited<ReturnType<typeof runDailyJob>>) =>
  report.sent.map((s) => `${s.template} → ${s.to}`).sort();

describe('the daily job', () => {
  it('reminds the consulted partenaires without an avis two days before the due date, once', async () => {
    const { deps, due, recording } = memoryNotifyDeps({ now: () => at8('2026-03-11') });
    due.records = [waiting('saisine_concertee', '2026-03-13', { avisFrom: ['caf13'] })];
    const first = await runDailyJob(deps, at8('2026-03-11'));
    expect(first.day).toBe('2026-03-11');
    expect(sentLines(first)).toEqual([
      'rappel → cohesion@marseille.example.org',
      'rappel → politique-ville@etat.example.org',
    ]);
    expect(recording.sent[0]?.subject).toContain('rappel, échéance le 13 mars 2026');
    const second = await runDailyJob(deps, at8('2026-03-11'));
    expect(second.sent).toEqual([]);
    expect(recording.sent).toHaveLength(2);
  });

  it('reminds the coordinateur once every avis is in: the decision is its to make', async () => {
    const { deps, due } = memoryNotifyDeps({ now: () => at8('2026-03-11') });
    due.records = [waiting('saisine_concertee', '2026-03-13', { avisFrom: ['caf13', 'etat', 'marseille'] })];
    expect(sentLines(await runDailyJob(deps, at8('2026-03-11')))).toEqual([
      'rappel → coordination@caf13.example.org',
    ]);
  });

  it('sends the overdue notice on the first overdue day with an escalation to the coordinateur, once', async () => {
    const { deps, due } = memoryNotifyDeps({ now: () => at8('2026-03-14') });
    due.records = [waiting('rapport_a_valider', '2026-03-13', { federation: true })];
    expect(sentLines(await runDailyJob(deps, at8('2026-03-14')))).toEqual([
      'escalade → coordination@caf13.example.org',
      'retard → direction@fed-ifac.example.org',
    ]);
    expect((await runDailyJob(deps, at8('2026-03-14'))).sent).toEqual([]);
    // The next day: already told of this step and due date.
    expect((await runDailyJob(deps, at8('2026-03-15'))).sent).toEqual([]);
  });

  it('does not escalate to the coordinateur a delay that is its own', async () => {
    const { deps, due } = memoryNotifyDeps({ now: () => at8('2026-03-14') });
    due.records = [waiting('fiche_transmise', '2026-03-13')];
    expect(sentLines(await runDailyJob(deps, at8('2026-03-14')))).toEqual([
      'retard → coordination@caf13.example.org',
    ]);
  });

  it('says nothing on the due date itself, nor three days before it', async () => {
    const { deps, due } = memoryNotifyDeps({ now: () => at8('2026-03-13') });
    due.records = [
      waiting('diagnostic_en_cours', '2026-03-13', { id: 'c-01jq7k9m2x3v4b5n6p7q8r9s0a' }),
      waiting('diagnostic_en_cours', '2026-03-16', { id: 'c-01jq7k9m2x3v4b5n6p7q8r9s0b' }),
    ];
    expect((await runDailyJob(deps, at8('2026-03-13'))).sent).toEqual([]);
  });

  it('reminds the step again when it reopens with a new due date (a revision)', async () => {
    const { deps, due } = memoryNotifyDeps({ now: () => at8('2026-03-11') });
    due.records = [waiting('diagnostic_en_cours', '2026-03-13')];
    expect(sentLines(await runDailyJob(deps, at8('2026-03-11')))).toEqual([
      'rappel → consultant@singuliers.example.org',
    ]);
    due.records = [waiting('diagnostic_en_cours', '2026-03-20')];
    expect(sentLines(await runDailyJob(deps, at8('2026-03-18')))).toEqual([
      'rappel → consultant@singuliers.example.org',
    ]);
  });

  it('gathers the information mails of a digest user into one mail at 8:00, once', async () => {
    const { deps, preferences, recording } = memoryNotifyDeps({ now: () => at8('2026-03-10') });
    preferences.set('sub-cs-tilleuls', { information: 'daily_digest' });
    const saisine = recordOf(caseIn('saisine_concertee'), {
      deadline: { step: 'saisine_concertee', dueAt: '2026-03-20' },
      updatedAt: '2026-03-10T10:00:00.000Z',
    });
    await dispatchOutbox(deps, {
      tenant: 'caf13',
      caseId: saisine.id,
      seq: 3,
      index: 0,
      notification: { template: 'OPEN_SAISINE', to: ['consulted-partenaires', 'gestionnaire'] },
      facts: mailFactsOf(saisine, saisine.updatedAt),
      authorSub: actors.coordinateur.sub,
      createdAt: saisine.updatedAt,
    });
    // The partenaires must act: sent at once; the centre's information waits for its digest.
    expect(recording.sent.map((m) => m.to)).not.toContain('ca.tilleuls@example.org');
    const report = await runDailyJob(deps, at8('2026-03-11'));
    expect(sentLines(report)).toEqual(['digest → ca.tilleuls@example.org']);
    const digest = recording.sent.at(-1);
    expect(digest?.subject).toBe('Renfort — les nouvelles de vos dossiers du 11 mars 2026');
    expect(digest?.text).toContain('la saisine concertée des partenaires est ouverte');
    expect(digest?.text).toContain(`https://renfort.example.fr/dossiers/${saisine.id}`);
    expect((await runDailyJob(deps, at8('2026-03-11'))).sent).toEqual([]);
    expect((await runDailyJob(deps, at8('2026-03-12'))).sent).toEqual([]);
    const log = await deps.mails.caseMails('caf13', saisine.id);
    expect(log.find((m) => m.to === 'ca.tilleuls@example.org')?.status).toBe('digest');
  });

  it('does not tell in a digest what its user may no longer see: moved to a funder not consulted', async () => {
    const { deps, members, preferences, recording } = memoryNotifyDeps({ now: () => at8('2026-03-10') });
    preferences.set('sub-etat', { information: 'daily_digest' });
    const accepted = recordOf(
      applyAll(caseIn('saisine_concertee'), [
        event({ type: 'GIVE_AVIS', avis: 'favorable' }, actors.caf13),
        event({ type: 'ACCEPT', prestataireId: 'singuliers-co' }, actors.coordinateur),
      ]),
      { updatedAt: '2026-03-10T10:00:00.000Z' },
    );
    await dispatchOutbox(deps, {
      tenant: 'caf13',
      caseId: accepted.id,
      seq: 6,
      index: 0,
      notification: { template: 'ACCEPT', to: ['gestionnaire', 'prestataire', 'consulted-partenaires'] },
      facts: mailFactsOf(accepted, accepted.updatedAt),
      authorSub: actors.coordinateur.sub,
      createdAt: accepted.updatedAt,
    });
    expect(recording.sent.map((m) => m.to)).not.toContain('politique-ville@etat.example.org');
    // Before 8:00 the coordination moves État's user to the Région, which was not consulted.
    const moved = members.find((m) => m.userId === 'sub-etat');
    if (moved) moved.organisationId = 'region';
    const report = await runDailyJob(deps, at8('2026-03-11'));
    expect(report.sent).toEqual([]);
    expect(recording.sent.map((m) => m.to)).not.toContain('politique-ville@etat.example.org');
    expect(await deps.mails.pendingDigest('caf13')).toEqual([]);
  });

  it('goes on with the other cases and digests when one fails, and reports the failure', async () => {
    const { deps, due, recording } = memoryNotifyDeps({ now: () => at8('2026-03-11') });
    due.records = [
      waiting('rapport_a_valider', '2026-03-13', { id: 'c-01jq7k9m2x3v4b5n6p7q8r9s0a' }),
      waiting('diagnostic_en_cours', '2026-03-13', { id: 'c-01jq7k9m2x3v4b5n6p7q8r9s0b' }),
    ];
    const send = deps.mailer.send;
    let calls = 0;
    deps.mailer = {
      send: async (mail) => {
        calls += 1;
        if (calls === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
        return send(mail);
      },
    };
    const first = await runDailyJob(deps, at8('2026-03-11'));
    expect(first.errors).toEqual([expect.stringContaining('Throttling: Rate exceeded')]);
    expect(sentLines(first)).toEqual(['rappel → consultant@singuliers.example.org']);
    // The run again (the scheduler's retry): the one left is sent, nothing twice.
    const second = await runDailyJob(deps, at8('2026-03-11'));
    expect(second.errors).toEqual([]);
    expect(sentLines(second)).toEqual(['rappel → ca.tilleuls@example.org']);
    expect(recording.sent).toHaveLength(2);
  });
});
