import { describe, expect, it } from 'vitest';
import type { Actor, CaseRecord, Notification } from '../../../shared/domain/case.ts';
import { mailFactsOf } from '../../../shared/mail/mail-input.ts';
import {
  dispatchOutbox,
  markUndelivered,
  STALE_CLAIM_MS,
  SWEEP_ATTEMPTS,
  sweepOutbox,
} from '../../../shared/notify/dispatch.ts';
import { MailRejected, type OutboxItem } from '../../../shared/notify/ports.ts';
import { applyEvent } from '../../../workflows/case-workflow.ts';
import { AT, actors, applyAll, caseIn, event, recordOf } from '../../helpers/case-fixtures.ts';
import {
  CENTRE_KINDS,
  expectedLines,
  MAIL_EXPECTATIONS,
  type Sender,
} from '../../helpers/mail-expectations.ts';
import { memoryNotifyDeps } from '../../helpers/memory-notify.ts';

const clock = (start = AT) => {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
};

const SENDERS = (gestionnaire: Actor): Record<Sender, Actor> => ({
  gestionnaire,
  coordinateur: actors.coordinateur,
  caf13: actors.caf13,
  singuliers: actors.singuliers,
});

/** The outbox items a change leaves, as the commit writes them. */
function outboxOf(record: CaseRecord, notifications: Notification[], author: Actor, seq = 5): OutboxItem[] {
  return notifications.map((notification, index) => ({
    tenant: record.tenant,
    caseId: record.id,
    seq,
    index,
    notification,
    facts: mailFactsOf(record, record.updatedAt),
    authorSub: author.sub,
    createdAt: record.updatedAt,
  }));
}

/** A change from `from` by `by`, its outbox items and the record after it. */
function change(
  kind: (typeof CENTRE_KINDS)[number],
  expectation: (typeof MAIL_EXPECTATIONS)[number],
): { record: CaseRecord; items: OutboxItem[]; texts: string[] } {
  const gestionnaire = kind.kind === 'federation' ? actors.federation : actors.gestionnaire;
  const options = {
    centreId: kind.centreId,
    gestionnaire,
    ...('federationId' in kind && { federationId: kind.federationId }),
  };
  const by = SENDERS(gestionnaire)[expectation.by];
  const body =
    expectation.body.type === 'SUBMIT_RAPPORT'
      ? { ...expectation.body, documentId: 'doc-rapport-1' }
      : expectation.body;
  let start = caseIn(expectation.from, options);
  // An acceptance needs a favorable avis first.
  if (body.type === 'ACCEPT')
    start = applyAll(start, [event({ type: 'GIVE_AVIS', avis: 'favorable' }, actors.caf13)]);
  const outcome = applyEvent(start, event(body as never, by));
  if (!outcome.applied) throw new Error(`Arrange failed: ${expectation.name}`);
  const record = recordOf(outcome.next);
  const texts = Object.values(expectation.body).filter(
    (v): v is string => typeof v === 'string' && v.includes(' '),
  );
  return { record, items: outboxOf(record, outcome.notifications, by), texts };
}

describe('the dispatcher', () => {
  for (const kind of CENTRE_KINDS) {
    describe(`for a centre run by ${kind.kind === 'federation' ? 'its federation' : 'its association'}`, () => {
      it.each(MAIL_EXPECTATIONS)('$name mails exactly the §7 recipients', async (expectation) => {
        const { deps, recording } = memoryNotifyDeps(clock());
        const { items, texts } = change(kind, expectation);
        const lines: string[] = [];
        for (const item of items) {
          const outcome = await dispatchOutbox(deps, item);
          lines.push(...outcome.sent.map((m) => `${m.template} → ${m.to}`));
        }
        expect(lines.sort()).toEqual(expectedLines(expectation, kind.gestionnaire));
        expect(recording.sent).toHaveLength(lines.length);
        for (const mail of recording.sent) {
          const all = `${mail.subject}\n${mail.text}\n${mail.html}`;
          expect(all).toContain('https://renfort.example.fr/dossiers/c-01jq7k9m2x3v4b5n6p7q8r9s0t');
          for (const text of texts) expect(all).not.toContain(text);
        }
      });
    });
  }

  const submitted = () => change(CENTRE_KINDS[0], MAIL_EXPECTATIONS[0] as (typeof MAIL_EXPECTATIONS)[number]);

  it('sends nothing twice when the same item comes again, and leaves the pending outbox', async () => {
    const { deps, log, recording } = memoryNotifyDeps(clock());
    const [item] = submitted().items as [OutboxItem];
    log.enqueue(item);
    await dispatchOutbox(deps, item);
    await dispatchOutbox(deps, item);
    expect(recording.sent.map((m) => m.to).sort()).toEqual([
      'ca.tilleuls@example.org',
      'coordination@caf13.example.org',
    ]);
    expect(log.pendingOutboxItems()).toEqual([]);
  });

  it('keeps information mails for the digest of users who chose it, and sends them their action mails', async () => {
    const { deps, preferences, recording } = memoryNotifyDeps(clock());
    preferences.set('sub-cs-tilleuls', { information: 'daily_digest' });
    preferences.set('sub-etat', { information: 'daily_digest' });
    const saisine = MAIL_EXPECTATIONS.find(
      (e) => e.name === 'OPEN_SAISINE',
    ) as (typeof MAIL_EXPECTATIONS)[number];
    const [item] = change(CENTRE_KINDS[0], saisine).items as [OutboxItem];
    const outcome = await dispatchOutbox(deps, item);
    // État must give its avis: its mail cannot wait; the centre's information can.
    expect(recording.sent.map((m) => m.to)).toContain('politique-ville@etat.example.org');
    expect(outcome.digest.map((m) => [m.template, m.to, m.status])).toEqual([
      ['open-saisine.information', 'ca.tilleuls@example.org', 'digest'],
    ]);
  });

  it('sends the accusé de réception at once, even to a user who chose the digest', async () => {
    const { deps, preferences, recording } = memoryNotifyDeps(clock());
    preferences.set('sub-cs-tilleuls', { information: 'daily_digest' });
    const outcome = await dispatchOutbox(deps, submitted().items[0] as OutboxItem);
    expect(outcome.digest).toEqual([]);
    expect(recording.sent.map((m) => m.to).sort()).toEqual([
      'ca.tilleuls@example.org',
      'coordination@caf13.example.org',
    ]);
  });

  it('mails no disabled user', async () => {
    const { deps, members, recording } = memoryNotifyDeps(clock());
    for (const m of members) if (m.role === 'coordinateur') m.enabled = false;
    await dispatchOutbox(deps, submitted().items[0] as OutboxItem);
    expect(recording.sent.map((m) => m.to)).toEqual(['ca.tilleuls@example.org']);
  });

  it('marks a refused mail failed, sends the others, and is done with the item', async () => {
    const { deps, log } = memoryNotifyDeps(clock());
    const sent: string[] = [];
    deps.mailer = {
      async send(mail) {
        if (mail.to.startsWith('coordination')) throw new MailRejected('MessageRejected');
        sent.push(mail.to);
        return { messageId: 'm' };
      },
    };
    const [item] = submitted().items as [OutboxItem];
    log.enqueue(item);
    const outcome = await dispatchOutbox(deps, item);
    expect(sent).toEqual(['ca.tilleuls@example.org']);
    expect(outcome.failed.map((m) => m.to)).toEqual(['coordination@caf13.example.org']);
    const mails = await deps.mails.caseMails('caf13', item.caseId);
    expect(mails.map((m) => [m.to, m.status, m.failure])).toEqual(
      expect.arrayContaining([['coordination@caf13.example.org', 'failed', 'MessageRejected']]),
    );
    expect(log.pendingOutboxItems()).toEqual([]);
  });

  it('gives a mail back when the mail service fails for a while, and the retry sends each mail once', async () => {
    const { deps, log, recording } = memoryNotifyDeps(clock());
    const [item] = submitted().items as [OutboxItem];
    log.enqueue(item);
    recording.failWith(() => Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    await expect(dispatchOutbox(deps, item)).rejects.toThrow('Rate exceeded');
    expect((await deps.mails.caseMails('caf13', item.caseId)).map((m) => m.status)).toEqual([
      'pending',
      'pending',
    ]);
    expect(log.pendingOutboxItems()).toHaveLength(1);
    recording.failWith(undefined);
    await dispatchOutbox(deps, item);
    expect(recording.sent).toHaveLength(2);
    expect(log.pendingOutboxItems()).toEqual([]);
  });

  it('reads no mail log on an item’s first delivery, and reads it once on a redelivery, sending nothing twice', async () => {
    const { deps, log, recording } = memoryNotifyDeps(clock());
    const [item] = submitted().items as [OutboxItem];
    log.enqueue(item);
    let reads = 0;
    const recorded = deps.mails.recorded;
    deps.mails.recorded = (...args) => {
      reads += 1;
      return recorded(...args);
    };

    await dispatchOutbox(deps, item);
    expect(reads).toBe(0);
    const again = await dispatchOutbox(deps, item);

    expect(reads).toBe(1);
    expect(again.sent).toHaveLength(0);
    expect(again.settled).toHaveLength(2);
    expect(recording.sent).toHaveLength(2);
  });

  it('sends at most one duplicate after a crash between sending and marking sent', async () => {
    const time = clock();
    const { deps, log, recording } = memoryNotifyDeps(time);
    const [item] = submitted().items as [OutboxItem];
    log.enqueue(item);
    const markSent = deps.mails.markSent;
    deps.mails.markSent = async () => {
      throw new Error('process killed');
    };
    await expect(dispatchOutbox(deps, item)).rejects.toThrow('process killed');
    deps.mails.markSent = markSent;
    expect(recording.sent).toHaveLength(2);
    // At once (the stream's retry): the claims are still held, nothing is sent again.
    await dispatchOutbox(deps, item);
    expect(recording.sent).toHaveLength(2);
    // Once the claims are stale, the sweep sends each mail once more, and only once.
    time.advance(STALE_CLAIM_MS + 1000);
    expect(await sweepOutbox(deps, 'caf13')).toMatchObject({ items: 1, sent: 2, errors: [] });
    expect(await sweepOutbox(deps, 'caf13')).toMatchObject({ items: 0, sent: 0 });
    expect(recording.sent).toHaveLength(4);
    const perRecipient = new Map<string, number>();
    for (const m of recording.sent) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
    expect([...perRecipient.values()]).toEqual([2, 2]);
    expect((await deps.mails.caseMails('caf13', item.caseId)).map((m) => m.status)).toEqual(['sent', 'sent']);
  });

  it('sweeps only the items the stream left pending for over a minute', async () => {
    const time = clock();
    const { deps, log, recording } = memoryNotifyDeps(time);
    const [item] = submitted().items as [OutboxItem];
    log.enqueue(item);
    expect(await sweepOutbox(deps, 'caf13')).toMatchObject({ items: 0 });
    time.advance(61_000);
    expect(await sweepOutbox(deps, 'caf13')).toMatchObject({ items: 1, sent: 2 });
    expect(recording.sent).toHaveLength(2);
  });

  it('gives up an outbox item after an hour of failed sweeps, so that it neither loops nor holds back the others', async () => {
    const time = clock();
    const { deps, log } = memoryNotifyDeps(time);
    const [item] = submitted().items as [OutboxItem];
    log.enqueue(item);
    deps.referentiel = async () => {
      throw new Error('referentiel unreadable');
    };
    time.advance(61_000);
    for (let i = 1; i < SWEEP_ATTEMPTS; i++) {
      const outcome = await sweepOutbox(deps, 'caf13');
      expect(outcome).toMatchObject({ items: 1, givenUp: 0 });
      expect(outcome.errors).toEqual([expect.stringContaining('(again): Error: referentiel unreadable')]);
    }
    expect(await sweepOutbox(deps, 'caf13')).toMatchObject({ items: 1, givenUp: 1 });
    expect(log.pendingOutboxItems()).toEqual([]);
    expect(await sweepOutbox(deps, 'caf13')).toMatchObject({ items: 0, errors: [] });
  });

  it('fails a digest SES reports as bounced, and every mail it gathered', async () => {
    const { deps } = memoryNotifyDeps(clock());
    const covered = { tenant: 'caf13', scope: 'c-01jq7k9m2x3v4b5n6p7q8r9s0t', slot: '000003#0#x#u' };
    const line = { ...covered, id: 'i', template: 'open-saisine.information', kind: 'information' as const };
    const common = {
      userId: 'u',
      to: 'u@example.org',
      createdAt: AT,
      attempts: 0,
      mail: { subject: 's', text: 't', html: 'h' },
    };
    await deps.mails.record({ ...line, ...common, status: 'digest' });
    const digest = { tenant: 'caf13', scope: 'digest:2026-03-02', slot: 'u' };
    await deps.mails.record({
      ...digest,
      ...common,
      id: 'd',
      template: 'digest',
      kind: 'digest',
      status: 'sent',
      covers: [covered],
    });
    await markUndelivered(deps.mails, digest, 'bounce:Permanent');
    expect((await deps.mails.recorded('caf13', digest.scope, 'u'))[0]?.status).toBe('failed');
    expect((await deps.mails.caseMails('caf13', covered.scope)).map((m) => [m.status, m.failure])).toEqual([
      ['failed', 'bounce:Permanent'],
    ]);
  });
});
