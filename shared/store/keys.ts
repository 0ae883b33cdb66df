/**
 * Every key starts with the tenant (the dispositif, `caf13` today), so one deployment
 * can serve several Caf with each one's data apart.
 */
const seq = (n: number) => String(n).padStart(6, '0');

export const keys = {
  referentiel: (tenant: string) => `T#${tenant}#REF`,
  referentielItem: (kind: string, id: string) => `${kind}#${id}`,

  casePk: (tenant: string, caseId: string) => `T#${tenant}#CASE#${caseId}`,
  caseSk: 'CASE',
  eventSk: (n: number) => `EVENT#${seq(n)}`,
  eventPrefix: 'EVENT#',
  outboxSk: (n: number, i: number) => `OUTBOX#${seq(n)}#${i}`,
  viewSk: (viewer: string) => `VIEW#${viewer}`,
  documentSk: (documentId: string) => `DOC#${documentId}`,
  documentPrefix: 'DOC#',
  accessSk: (at: string, id: string) => `ACCESS#${at}#${id}`,
  accessPrefix: 'ACCESS#',
  viewPrefix: 'VIEW#',

  /** gsi1: the cases a viewer may see, newest first. */
  viewerPk: (tenant: string, viewer: string) => `T#${tenant}#VIEW#${viewer}`,
  /** gsi2: the same, for one status. */
  viewerStatusPk: (tenant: string, viewer: string, status: string) => `T#${tenant}#VIEW#${viewer}#${status}`,
  viewerSk: (createdAt: string, caseId: string) => `${createdAt}#${caseId}`,

  /** gsi1: notifications not yet sent. */
  outboxPendingPk: (tenant: string) => `T#${tenant}#OUTBOX`,

  idempotencyPk: (tenant: string, sub: string, key: string) => `T#${tenant}#IDEM#${sub}#${key}`,
  idempotencySk: 'IDEM',
};
