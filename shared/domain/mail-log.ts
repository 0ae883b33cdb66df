import * as z from './zod.ts';

/** What a mail is: must act, for information, reminder, overdue notice, escalation, or daily digest. */
export const MAIL_KINDS = ['action', 'information', 'rappel', 'retard', 'escalade', 'digest'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/** A line of a case's mail log as the API gives it (DESIGN.md §4): who was told what, and whether it left. */
export const MailLogEntrySchema = /* @__PURE__ */ z
  .object({
    id: z.string(),
    template: z.string(),
    kind: z.enum(MAIL_KINDS),
    to: z.string(),
    status: z.enum(['pending', 'sent', 'failed', 'digest']),
    createdAt: z.string(),
    sentAt: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'MailLogEntry' });

export type MailLogEntry = z.infer<typeof MailLogEntrySchema>;
