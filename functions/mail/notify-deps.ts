import { config } from '../../shared/config.ts';
import type { DailyJobDeps } from '../../shared/notify/daily-job.ts';
import { cached } from '../../shared/store/cached.ts';
import { createCaseRepository } from '../../shared/store/case-repository.ts';
import { createDocumentClient } from '../../shared/store/dynamo.ts';
import { createMembershipRepository } from '../../shared/store/membership-repository.ts';
import { loadReferentiel } from '../../shared/store/referentiel-repository.ts';
import { createSesMailer } from '../../shared/store/ses-mailer.ts';
import { mailLog } from './mail-log-deps.ts';

/** The composition root of the mail functions that send (dispatcher, sweep, daily job). */
const db = createDocumentClient();
const {
  TABLE_NAME,
  AWS_REGION,
  SES_ENDPOINT,
  MAIL_FROM,
  APP_URL,
  MAIL_CONTACT,
  TENANTS,
  SES_CONFIGURATION_SET,
} = config();
const now = () => new Date();

export const notifyDeps: DailyJobDeps = {
  mails: mailLog,
  recipients: createMembershipRepository(db, TABLE_NAME),
  mailer: createSesMailer({
    from: MAIL_FROM,
    region: AWS_REGION,
    ...(SES_ENDPOINT && { endpoint: SES_ENDPOINT }),
    ...(SES_CONFIGURATION_SET && { configurationSet: SES_CONFIGURATION_SET }),
  }),
  referentiel: cached((tenant) => loadReferentiel(db, TABLE_NAME, tenant), 5 * 60_000),
  settings: { appUrl: APP_URL, contact: MAIL_CONTACT },
  now,
  due: createCaseRepository(db, TABLE_NAME, now),
  tenants: TENANTS,
};
