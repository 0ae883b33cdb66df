import type { CaseRecord } from '../domain/case.ts';
import { addDays, type Day, parisDay } from '../domain/delais.ts';
import type { Membership } from '../domain/membership.ts';
import { DEFAULT_SERVICE, frenchDate, mailFactsOf } from '../mail/mail-input.ts';
import { DIGEST_TEMPLATE, renderMail } from '../mail/templates.ts';
import { caseMail, caseMailInput, mailIdOf, membersOf, sendAll } from './dispatch.ts';
import type { DueCases, MailRecord, NotifyDeps } from './ports.ts';

/**
 * The daily job (DESIGN.md §7), at 08:00 Europe/Paris: a reminder to whoever must act two days
 * before a due date, an overdue notice on the first overdue day with an escalation to the
 * coordinateur, and the digests. Every mail is recorded under a slot naming the step, its due date
 * and the recipient (or, for a digest, the day and the recipient): a second run the same day
 * records nothing new, and sends only what an earlier run left unsent.
 */

export interface DailyJobDeps extends NotifyDeps {
  due: DueCases;
  tenants: readonly string[];
}

/** How far back a run catches up overdue notices a missed run did not send. */
export const CATCH_UP_DAYS = 3;
/** Reminders go out this many days before the due date. */
export const REMIND_DAYS_BEFORE = 2;

export interface DailyJobReport {
  day: Day;
  sent: { caseId?: string; template: string; kind: string; to: string }[];
}

/** Who must act on a case's current step: for an avis, the consulted partenaires still silent. */
export function lateMembers(
  record: CaseRecord,
  members: Membership[],
): { members: Membership[]; coordination: boolean } {
  const facts = mailFactsOf(record, record.updatedAt);
  const step = record.deadline?.step;
  switch (step) {
    case 'saisine_concertee': {
      const silent = membersOf(members, 'consulted-partenaires', facts).filter(
        (m) => !(m.organisationId in record.context.avis),
      );
      // Every avis is in: the coordinateur must decide.
      return silent.length > 0
        ? { members: silent, coordination: false }
        : { members: membersOf(members, 'coordination', facts), coordination: true };
    }
    case 'diagnostic_en_cours':
    case 'restitution_a_faire':
      return { members: membersOf(members, 'prestataire', facts), coordination: false };
    case 'rapport_a_valider':
      return { members: membersOf(members, 'gestionnaire', facts), coordination: false };
    case 'fiche_transmise':
    case 'rencontre_partenaires':
      return { members: membersOf(members, 'coordination', facts), coordination: true };
    default:
      return { members: [], coordination: false };
  }
}

export async function runDailyJob(deps: DailyJobDeps, at: Date): Promise<DailyJobReport> {
  const day = parisDay(at);
  const createdAt = at.toISOString();
  const report: DailyJobReport = { day, sent: [] };
  const note = (mails: MailRecord[]) =>
    report.sent.push(
      ...mails.map((m) => ({
        ...(m.scope.startsWith('digest:') ? {} : { caseId: m.scope }),
        template: m.template,
        kind: m.kind,
        to: m.to,
      })),
    );

  for (const tenant of deps.tenants) {
    const [cases, members] = await Promise.all([
      deps.due.dueBetween(tenant, addDays(day, -CATCH_UP_DAYS), addDays(day, REMIND_DAYS_BEFORE)),
      deps.recipients.members(tenant),
    ]);
    for (const record of cases) {
      const deadline = record.deadline;
      if (!deadline || deadline.dueAt === day) continue;
      const kind = deadline.dueAt > day ? 'rappel' : 'retard';
      const input = await caseMailInput(deps, mailFactsOf(record, record.updatedAt));
      const late = lateMembers(record, members);
      const recipients: { member: Membership; template: 'rappel' | 'retard' | 'escalade' }[] =
        late.members.map((member) => ({ member, template: kind }));
      // The coordinateur hears of a delay, unless it is the one late.
      if (kind === 'retard' && !late.coordination) {
        for (const member of membersOf(members, 'coordination', mailFactsOf(record, record.updatedAt))) {
          recipients.push({ member, template: 'escalade' });
        }
      }
      const prefix = `J#${deadline.step}#${deadline.dueAt}#`;
      const recorded = new Map(
        (await deps.mails.recorded(tenant, record.id, prefix)).map((mail) => [mail.slot, mail]),
      );
      const mails: MailRecord[] = [];
      for (const { member, template } of recipients) {
        const ref = { tenant, scope: record.id, slot: `${prefix}${template}#${member.userId}` };
        const known = recorded.get(ref.slot);
        if (known) {
          mails.push(known);
          continue;
        }
        const mail = caseMail(ref, template, template, member, input, createdAt, false);
        if (await deps.mails.record(mail)) mails.push(mail);
      }
      note(
        (
          await sendAll(
            deps,
            mails.filter((m) => m.status === 'pending' || m.status === 'sending'),
          )
        ).sent,
      );
    }
    note(await sendDigests(deps, tenant, day, createdAt, members));
  }
  return report;
}

/** One digest per user with information mails kept for it; a digest already recorded today is reused. */
async function sendDigests(
  deps: NotifyDeps,
  tenant: string,
  day: Day,
  createdAt: string,
  members: Membership[],
): Promise<MailRecord[]> {
  const kept = await deps.mails.pendingDigest(tenant);
  const byUser = new Map<string, MailRecord[]>();
  for (const mail of kept) byUser.set(mail.userId, [...(byUser.get(mail.userId) ?? []), mail]);
  const scope = `digest:${day}`;
  const already = new Map((await deps.mails.recorded(tenant, scope, '')).map((m) => [m.slot, m]));
  const sent: MailRecord[] = [];
  for (const [userId, items] of byUser) {
    const member = members.find((m) => m.userId === userId);
    let digest = already.get(userId);
    if (!digest) {
      if (!member?.enabled) {
        // Nobody to gather them for any more.
        await deps.mails.digested(items);
        continue;
      }
      const ordered = [...items].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      const ref = { tenant, scope, slot: userId };
      digest = {
        ...ref,
        id: mailIdOf(ref),
        template: 'digest',
        kind: 'digest',
        userId,
        to: member.email,
        status: 'pending',
        createdAt,
        attempts: 0,
        mail: renderMail(DIGEST_TEMPLATE, {
          day: frenchDate(day),
          items: ordered.flatMap((m) => (m.digestLine ? [m.digestLine] : [])),
          service: deps.settings.service ?? DEFAULT_SERVICE,
          contact: deps.settings.contact,
        }),
        covers: ordered.map(({ tenant: t, scope: s, slot }) => ({ tenant: t, scope: s, slot })),
      };
      if (!(await deps.mails.record(digest))) continue;
    }
    const outcome = await sendAll(deps, [digest]);
    sent.push(...outcome.sent);
    // Gathered: out of the pending digest, whether sent now or by an earlier run.
    await deps.mails.digested(digest.covers ?? []);
  }
  return sent;
}
