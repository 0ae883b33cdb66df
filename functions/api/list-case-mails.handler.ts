import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { caseMails } from '../../shared/notify/case-mails.ts';
import { caseDeps, mailLog } from './case-deps.ts';

export const handler = apiHandler(routes.listCaseMails, async ({ caller, params }) => ({
  body: await caseMails({ ...caseDeps, mails: mailLog }, caller, params.caseId),
}));
