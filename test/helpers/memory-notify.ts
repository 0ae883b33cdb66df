import { seedReferentiel, seedUsers } from '../../infra/local/seed-data.ts';
import type { Membership } from '../../shared/domain/membership.ts';
import type { Preferences } from '../../shared/domain/preferences.ts';
import type { RenderedMail } from '../../shared/mail/templates.ts';
import type { DailyJobDeps } from '../../shared/notify/daily-job.ts';
import type { Mailer, MailLog, MailRecord, MailRef, OutboxItem } from '../../shared/notify/ports.ts';
import * as keys from '../../shared/store/keys.ts';

/**
 * The mail log in memory, with the table's conditions: a mail is recorded once per ref; a claim
 * takes a pending mail or a stale one; marks hold only under their claim. `outbox` holds the items
 * still pending, as the table's pending-outbox index does.
 */
export function memoryMailLog() {
  const mails = new Map<string, MailRecord>();
  const outbox = new Map<string, OutboxItem>();
  const digestPending = new Set<string>();
  const sweepFailures = new Map<string, number>();
  const key = (ref: MailRef) => `${ref.tenant}|${ref.scope}|${ref.slot}`;
  const outboxKey = (item: OutboxItem) =>
    `${item.tenant}|${item.caseId}|${keys.outboxSk(item.seq, item.index)}`;
  const copy = <T>(value: T): T => structuredClone(value);

  const log: MailLog = {
    async recorded(tenant, scope, prefix) {
      return [...mails.values()]
        .filter((m) => m.tenant === tenant && m.scope === scope && m.slot.startsWith(prefix))
        .map(copy);
    },
    async record(mail) {
      if (mails.has(key(mail))) return false;
      mails.set(key(mail), copy(mail));
      if (mail.status === 'digest') digestPending.add(key(mail));
      return true;
    },
    async claim(ref, at, staleBefore) {
      const mail = mails.get(key(ref));
      if (!mail) return undefined;
      const free =
        mail.status === 'pending' || (mail.status === 'sending' && (mail.claimedAt ?? '') < staleBefore);
      if (!free) return undefined;
      mail.status = 'sending';
      mail.claimedAt = at;
      mail.attempts += 1;
      return mail.attempts;
    },
    async release(ref, attempt) {
      const mail = mails.get(key(ref));
      if (mail?.status === 'sending' && mail.attempts === attempt) {
        mail.status = 'pending';
        delete mail.claimedAt;
      }
    },
    async markSent(ref, attempt, sentAt, messageId) {
      const mail = mails.get(key(ref));
      if (mail?.status === 'sending' && mail.attempts === attempt) {
        Object.assign(mail, { status: 'sent', sentAt, messageId });
        delete mail.claimedAt;
      }
    },
    async markFailed(ref, failure) {
      const mail = mails.get(key(ref));
      if (mail) Object.assign(mail, { status: 'failed', failure });
    },
    async outboxDone(item) {
      outbox.delete(outboxKey(item));
    },
    async outboxFailed(item, _reason, giveUpAfter) {
      const k = outboxKey(item);
      const failures = (sweepFailures.get(k) ?? 0) + 1;
      sweepFailures.set(k, failures);
      if (failures < giveUpAfter) return 'again';
      outbox.delete(k);
      return 'given-up';
    },
    async pendingOutbox(tenant, before, limit) {
      return [...outbox.values()]
        .filter((i) => i.tenant === tenant && i.createdAt < before)
        .slice(0, limit)
        .map(copy);
    },
    async pendingDigest(tenant) {
      return [...digestPending].flatMap((k) => {
        const mail = mails.get(k);
        return mail && mail.tenant === tenant ? [copy(mail)] : [];
      });
    },
    async digested(refs) {
      for (const ref of refs) digestPending.delete(key(ref));
    },
    async caseMails(tenant, caseId) {
      return [...mails.values()]
        .filter((m) => m.tenant === tenant && m.scope === caseId)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.slot.localeCompare(b.slot))
        .map(copy);
    },
  };
  return {
    log,
    mails,
    /** Puts an item in the outbox, as a commit does. */
    enqueue(item: OutboxItem) {
      outbox.set(outboxKey(item), copy(item));
    },
    pendingOutboxItems: () => [...outbox.values()],
  };
}

/** The seeded users as memberships; their ids are those of the fixtures' actors (`sub-<organisation>`). */
export function seededMembers(): Membership[] {
  return seedUsers.map((u) => ({
    userId: `sub-${u.organisationId}`,
    email: u.email,
    tenant: 'caf13',
    role: u.role,
    organisationId: u.organisationId,
    enabled: true,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
  }));
}

/** A mailer that records what it sends, and fails as a test tells it to. */
export function recordingMailer() {
  const sent: (RenderedMail & { to: string; tags: Record<string, string> })[] = [];
  let failWith: (() => Error) | undefined;
  const mailer: Mailer = {
    async send(mail) {
      if (failWith) throw failWith();
      sent.push(mail);
      return { messageId: `m-${sent.length}` };
    },
  };
  return {
    mailer,
    sent,
    failWith(error: (() => Error) | undefined) {
      failWith = error;
    },
  };
}

/** Dispatcher and daily-job deps in memory, over the seeded referentiel and users. */
export function memoryNotifyDeps(options: { now: () => Date; members?: Membership[]; mailer?: Mailer }) {
  const log = memoryMailLog();
  const members = options.members ?? seededMembers();
  const preferences = new Map<string, Preferences>();
  const recording = recordingMailer();
  const due: { records: import('../../shared/domain/case.ts').CaseRecord[] } = { records: [] };
  const deps: DailyJobDeps = {
    mails: log.log,
    recipients: {
      members: async (tenant) => members.filter((m) => m.tenant === tenant),
      preferences: async (ids) =>
        new Map(ids.flatMap((id) => (preferences.has(id) ? [[id, preferences.get(id) as Preferences]] : []))),
    },
    mailer: options.mailer ?? recording.mailer,
    referentiel: async () => seedReferentiel,
    settings: { appUrl: 'https://renfort.example.fr', contact: 'coordination@caf13.example.org' },
    now: options.now,
    due: {
      dueBetween: async (_tenant, from, to) =>
        due.records.filter((r) => r.deadline && r.deadline.dueAt >= from && r.deadline.dueAt <= to),
    },
    tenants: ['caf13'],
  };
  return { deps, log, members, preferences, recording, due };
}
