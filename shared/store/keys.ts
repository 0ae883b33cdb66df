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
  /** The pending upload tickets of a case, one item per slot: a ticket is issued only into a free slot. */
  uploadSlotSk: (slot: number) => `UPLOAD#${String(slot).padStart(2, '0')}`,
  uploadSlotPrefix: 'UPLOAD#',

  /** gsi1: the cases a viewer may see, newest first. */
  viewerPk: (tenant: string, viewer: string) => `T#${tenant}#VIEW#${viewer}`,
  /** gsi2: the same, for one status. */
  viewerStatusPk: (tenant: string, viewer: string, status: string) => `T#${tenant}#VIEW#${viewer}#${status}`,
  viewerSk: (createdAt: string, caseId: string) => `${createdAt}#${caseId}`,
  /** gsi3: the cases a viewer may see that wait on a step, by due date (`dueAt < today`: overdue). */
  viewerDuePk: (tenant: string, viewer: string) => `T#${tenant}#VIEW#${viewer}#DUE`,
  viewerDueSk: (dueAt: string, createdAt: string, caseId: string) => `${dueAt}#${createdAt}#${caseId}`,

  /** gsi1: notifications not yet sent. */
  outboxPendingPk: (tenant: string) => `T#${tenant}#OUTBOX`,
  /** A mail of the log: in its case's partition, or in its day's digests. */
  mailSk: (slot: string) => `MAIL#${slot}`,
  mailPrefix: 'MAIL#',
  digestPk: (tenant: string, day: string) => `T#${tenant}#DIGEST#${day}`,
  /** gsi1: information mails kept for a daily digest that no digest gathered yet. */
  digestPendingPk: (tenant: string) => `T#${tenant}#DIGEST`,

  idempotencyPk: (tenant: string, sub: string, key: string) => `T#${tenant}#IDEM#${sub}#${key}`,
  idempotencySk: 'IDEM',

  /**
   * A user's membership is keyed by the Cognito `sub` alone: it is what names the user's tenant,
   * so a request finds it knowing nothing else. Its index entry (gsi1) carries the tenant.
   */
  membershipPk: (sub: string) => `USER#${sub}`,
  membershipSk: 'MEMBERSHIP',
  /** A user's mail preferences, beside its membership. */
  preferencesSk: 'PREFERENCES',
  /** gsi1: the users of a tenant, by email. */
  tenantUsersPk: (tenant: string) => `T#${tenant}#USERS`,
  /** The tenant's membership journal and its count of enabled coordinateurs share one partition. */
  membershipLogPk: (tenant: string) => `T#${tenant}#MEMBERSHIPS`,
  membershipChangeSk: (at: string, id: string) => `CHANGE#${at}#${id}`,
  membershipChangePrefix: 'CHANGE#',
  coordinateurCountSk: 'COORDINATEURS',
};
