import { SESClient, SESServiceException, SendEmailCommand } from '@aws-sdk/client-ses';
import { type Mailer, MailRejected } from '../notify/ports.ts';

/**
 * Errors about this one message, after which sending it again cannot succeed. Errors about the
 * account or the configuration (sending paused, sender domain not verified) are not among them:
 * they are retried, and alarm, until someone fixes them; the mail is not lost meanwhile.
 */
const FINAL_ERRORS = new Set(['MessageRejected', 'InvalidParameterValue']);

export interface SesMailerOptions {
  from: string;
  region: string;
  endpoint?: string;
  /** Where SES reports bounces and complaints (AWS only). */
  configurationSet?: string;
  client?: SESClient;
}

/**
 * Sends through SES (`SendEmail`, text and HTML, UTF-8), tagged so that a bounce finds its log
 * line. Throttling and server errors are retried by the SDK (its standard retry mode), then
 * thrown for the stream to retry; a refusal is a `MailRejected`.
 */
export function createSesMailer(options: SesMailerOptions): Mailer {
  const client =
    options.client ??
    new SESClient({ region: options.region, ...(options.endpoint && { endpoint: options.endpoint }) });
  return {
    async send({ to, subject, text, html, tags }) {
      try {
        const { MessageId } = await client.send(
          new SendEmailCommand({
            Source: options.from,
            Destination: { ToAddresses: [to] },
            Message: {
              Subject: { Data: subject, Charset: 'UTF-8' },
              Body: { Text: { Data: text, Charset: 'UTF-8' }, Html: { Data: html, Charset: 'UTF-8' } },
            },
            Tags: Object.entries(tags).map(([Name, Value]) => ({ Name, Value })),
            ...(options.configurationSet && { ConfigurationSetName: options.configurationSet }),
          }),
        );
        return { messageId: MessageId ?? '' };
      } catch (error) {
        if (error instanceof SESServiceException && FINAL_ERRORS.has(error.name)) {
          throw new MailRejected(error.name);
        }
        throw error;
      }
    },
  };
}
