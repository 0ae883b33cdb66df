import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { getPreferences } from '../../shared/users/preferences.ts';
import { preferenceDeps } from './preference-deps.ts';

export const handler = apiHandler(routes.getPreferences, async ({ caller }) => ({
  body: await getPreferences(preferenceDeps, caller),
}));
