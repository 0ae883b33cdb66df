import * as z from './zod.ts';

/**
 * How a user wants its information mails (DESIGN.md §7): each one at once, or gathered in one
 * daily digest. Action mails (what the user must do, by when) always leave at once: they cannot
 * be turned off, so there is nothing to set for them.
 */
export const INFORMATION_DELIVERIES = ['immediate', 'daily_digest'] as const;

export const PreferencesSchema = /* @__PURE__ */ z
  .strictObject({
    information: z.enum(INFORMATION_DELIVERIES, { error: 'Expected immediate or daily_digest' }),
    action: z.optional(
      z.never({ error: 'Action mails cannot be turned off: they say what you must do, and by when' }),
    ),
  })
  .register(z.globalRegistry, { id: 'Preferences' });

export type Preferences = { information: (typeof INFORMATION_DELIVERIES)[number] };

export const DEFAULT_PREFERENCES: Preferences = { information: 'immediate' };
