import { maySeeMailLog } from '../access/policy.ts';
import type { CaseDeps } from '../cases/ports.ts';
import { visibleCase } from '../cases/visible-case.ts';
import type { Caller } from '../domain/caller.ts';
import { NotAllowedError } from '../domain/errors.ts';
import type { MailLogEntry } from '../domain/mail-log.ts';
import type { MailLog } from './ports.ts';

/** The mails of a case, oldest first: for the coordinateur, so that it sees who was never reached. */
export async function caseMails(
  deps: CaseDeps & { mails: MailLog },
  caller: Caller,
  caseId: string,
): Promise<{ items: MailLogEntry[] }> {
  const { relation } = await visibleCase(deps, caller, caseId);
  if (!maySeeMailLog(relation)) throw new NotAllowedError('The mails of a case are for the coordination.');
  const mails = await deps.mails.caseMails(caller.tenant, caseId);
  return {
    items: mails.map((mail) => ({
      id: mail.id,
      template: mail.template,
      kind: mail.kind,
      to: mail.to,
      // A mail being sent is still pending to whoever reads the log.
      status: mail.status === 'sending' ? 'pending' : mail.status,
      createdAt: mail.createdAt,
      ...(mail.sentAt && { sentAt: mail.sentAt }),
    })),
  };
}
