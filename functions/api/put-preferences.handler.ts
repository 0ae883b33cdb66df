import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { setPreferences } from '../../shared/users/preferences.ts';
import { preferenceDeps } from './preference-deps.ts';

export const handler = apiHandler(routes.putPreferences, async ({ caller, input }) => ({
  body: await setPreferences(preferenceDeps, caller, input().body),
}));
