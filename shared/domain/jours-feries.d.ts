/**
 * Types for `@socialgouv/jours-feries` (CommonJS, ships none): one function, the French public
 * holidays of a year, by name. Each value is `new Date(year, month, day)` in the process's own
 * time zone (Easter-based ones shifted by multiples of 24 h), so read it with the local getters.
 */
declare module '@socialgouv/jours-feries' {
  function getJoursFeries(year: number, options?: { alsace?: boolean }): Record<string, Date>;
  export = getJoursFeries;
}
