/**
 * Every key starts with the tenant (the dispositif, `caf13` today), so one deployment
 * can serve several Caf with each one's data apart.
 */
export const keys = {
  referentiel: (tenant: string) => `T#${tenant}#REF`,
  referentielItem: (kind: string, id: string) => `${kind}#${id}`,
};
