import type { SNSEvent } from 'aws-lambda';
import { logger } from '../../shared/logger.ts';
import { markUndelivered, refOfTag } from '../../shared/notify/dispatch.ts';
import { mailLog } from './mail-log-deps.ts';

/**
 * SES's bounce and complaint events (its configuration set publishes them to SNS): the mail is
 * marked `failed` in its log, so the coordination sees who was never reached. A transient bounce
 * is only logged: SES retries it itself.
 */
export async function handler(event: SNSEvent): Promise<void> {
  for (const record of event.Records) {
    const notice = parse(record.Sns.Message);
    if (!notice) {
      logger.warn('Not an SES event', { messageId: record.Sns.MessageId });
      continue;
    }
    const tag = notice.mail?.tags?.ref?.[0];
    const ref = tag ? refOfTag(tag) : undefined;
    const failure = failureOf(notice);
    if (!ref || !failure) {
      logger.info('SES event kept as is', { eventType: notice.eventType, tagged: Boolean(ref) });
      continue;
    }
    await markUndelivered(mailLog, ref, failure);
    logger.warn('Mail not delivered', { scope: ref.scope, failure });
  }
}

interface SesEvent {
  eventType?: string;
  notificationType?: string;
  mail?: { tags?: Record<string, string[]> };
  bounce?: { bounceType?: string };
}

function parse(message: string): SesEvent | undefined {
  try {
    const value: unknown = JSON.parse(message);
    return typeof value === 'object' && value !== null ? (value as SesEvent) : undefined;
  } catch {
    return undefined;
  }
}

/** `bounce:Permanent` or `complaint`; undefined for what is not a failure (a transient bounce, a delivery). */
export function failureOf(event: SesEvent): string | undefined {
  const type = event.eventType ?? event.notificationType;
  if (type === 'Complaint') return 'complaint';
  if (type === 'Bounce' && event.bounce?.bounceType !== 'Transient') {
    return `bounce:${event.bounce?.bounceType ?? 'Undetermined'}`;
  }
  return undefined;
}
