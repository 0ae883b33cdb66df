import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESClient } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailRejected } from '../../../shared/notify/ports.ts';
import { createSesMailer } from '../../../shared/store/ses-mailer.ts';

/** The SES mailer with the real SDK client against a small server that answers as SES does. */

describe('the SES mailer against a server that throttles, then refuses', () => {
  let server: Server;
  let requests = 0;
  let endpoint = '';
  let refuse = false;
  let paused = false;
  beforeAll(async () => {
    server = createServer((request, response) => {
      requests += 1;
      request.resume();
      request.on('end', () => {
        if (paused) {
          response.writeHead(400, { 'content-type': 'text/xml' });
          response.end(
            '<ErrorResponse><Error><Type>Sender</Type><Code>AccountSendingPausedException</Code><Message>Sending paused.</Message></Error><RequestId>r</RequestId></ErrorResponse>',
          );
          return;
        }
        if (refuse) {
          response.writeHead(400, { 'content-type': 'text/xml' });
          response.end(
            '<ErrorResponse><Error><Type>Sender</Type><Code>MessageRejected</Code><Message>Email address is not verified.</Message></Error><RequestId>r</RequestId></ErrorResponse>',
          );
          return;
        }
        if (requests <= 2) {
          response.writeHead(400, { 'content-type': 'text/xml' });
          response.end(
            '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error><RequestId>r</RequestId></ErrorResponse>',
          );
          return;
        }
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end(
          '<SendEmailResponse><SendEmailResult><MessageId>ses-ok</MessageId></SendEmailResult></SendEmailResponse>',
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const mailer = () =>
    createSesMailer({
      from: 'ne-pas-repondre@renfort.example.org',
      region: 'eu-west-3',
      client: new SESClient({
        region: 'eu-west-3',
        endpoint,
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      }),
    });

  it('retries throttling (the SDK’s standard retries) and then sends', async () => {
    const sent = await mailer().send({
      to: 'x@example.org',
      subject: 's',
      text: 't',
      html: 'h',
      tags: { ref: 'r' },
    });
    expect(sent.messageId).toBe('ses-ok');
    expect(requests).toBe(3);
  }, 20_000);

  it('turns a refusal into a MailRejected, which is not retried', async () => {
    refuse = true;
    const before = requests;
    await expect(
      mailer().send({ to: 'x@example.org', subject: 's', text: 't', html: 'h', tags: { ref: 'r' } }),
    ).rejects.toBeInstanceOf(MailRejected);
    expect(requests - before).toBe(1);
  });

  it('keeps a paused account retryable: the mail must not be lost while someone fixes it', async () => {
    paused = true;
    const error = await mailer()
      .send({ to: 'x@example.org', subject: 's', text: 't', html: 'h', tags: { ref: 'r' } })
      .catch((e: unknown) => e);
    paused = false;
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(MailRejected);
    expect((error as Error).name).toBe('AccountSendingPausedException');
  });
});
