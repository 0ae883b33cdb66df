import type { Caller } from '../domain/caller.ts';
import { DEFAULT_PREFERENCES, type Preferences } from '../domain/preferences.ts';

/** Where each user's preferences are kept (beside its membership, in production). */
export interface PreferenceStore {
  getPreferences(userId: string): Promise<Preferences | undefined>;
  putPreferences(userId: string, preferences: Preferences & { updatedAt: string }): Promise<void>;
}

export interface PreferenceDeps {
  preferences: PreferenceStore;
  now: () => Date;
}

/** The caller's own preferences; immediate information mails until it says otherwise. */
export async function getPreferences(deps: PreferenceDeps, caller: Caller): Promise<Preferences> {
  const stored = await deps.preferences.getPreferences(caller.sub);
  return { information: stored?.information ?? DEFAULT_PREFERENCES.information };
}

/** The caller sets its own preferences, and only its own: the key is its `sub`. */
export async function setPreferences(
  deps: PreferenceDeps,
  caller: Caller,
  preferences: Preferences,
): Promise<Preferences> {
  await deps.preferences.putPreferences(caller.sub, {
    information: preferences.information,
    updatedAt: deps.now().toISOString(),
  });
  return { information: preferences.information };
}
