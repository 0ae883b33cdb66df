import { config } from '../../shared/config.ts';
import { createDocumentClient } from '../../shared/store/dynamo.ts';
import { createPreferenceRepository } from '../../shared/store/preference-repository.ts';
import type { PreferenceDeps } from '../../shared/users/preferences.ts';

/** The composition root of the preferences handlers. */
export const preferenceDeps: PreferenceDeps = {
  preferences: createPreferenceRepository(createDocumentClient(), config().TABLE_NAME),
  now: () => new Date(),
};
