import { config } from '../../shared/config.ts';
import { createDocumentClient } from '../../shared/store/dynamo.ts';
import { createMailRepository } from '../../shared/store/mail-repository.ts';

/**
 * The mail log of this container. Apart from notify-deps.ts so that the bounce function, which
 * marks mails undelivered and sends none, carries no SES client.
 */
export const mailLog = createMailRepository(createDocumentClient(), config().TABLE_NAME);
