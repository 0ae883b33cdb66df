import { config } from '../../shared/config.ts';
import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { caseMails } from '../../shared/notify/case-mails.ts';
import { createDocumentClient } from '../../shared/store/dynamo.ts';
import { createMailRepository } from '../../shared/store/mail-repository.ts';
import { caseDeps } from './case-deps.ts';

/** The mail log, for the coordinateur's view of a case's mails. */
const mails = createMailRepository(createDocumentClient(), config().TABLE_NAME);

export const handler = apiHandler(routes.listCaseMails, async ({ caller, params }) => ({
  body: await caseMails({ ...caseDeps, mails }, caller, params.caseId),
}));
