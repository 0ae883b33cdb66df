/**
 * Every key starts with the tenant (the dispositif, `caf13` today), so one deployment
 * can serve several Caf with each one's data apart. Imported as a namespace (`import * as keys`):
 * each function keeps the keys it uses.
 */
const seq = (n: number) => String(n).padStart(6, '0');

export const referentiel = (tenant: string) => `T#${tenant}#REF`;
export const referentielItem = (kind: string, id: string) => `${kind}#${id}`;

export const casePk = (tenant: string, caseId: string) => `T#${tenant}#CASE#${caseId}`;
export const caseSk = 'CASE';
export const eventSk = (n: number) => `EVENT#${seq(n)}`;
export const eventPrefix = 'EVENT#';
export const outboxSk = (n: number, i: number) => `OUTBOX#${seq(n)}#${i}`;
export const viewSk = (viewer: string) => `VIEW#${viewer}`;
export const documentSk = (documentId: string) => `DOC#${documentId}`;
export const documentPrefix = 'DOC#';
export const accessSk = (at: string, id: string) => `ACCESS#${at}#${id}`;
export const accessPrefix = 'ACCESS#';
/** The pending upload tickets of a case, one item per slot: a ticket is issued only into a free slot. */
export const uploadSlotSk = (slot: number) => `UPLOAD#${String(slot).padStart(2, '0')}`;
export const uploadSlotPrefix = 'UPLOAD#';

/** gsi1: the cases a viewer may see, newest first. */
export const viewerPk = (tenant: string, viewer: string) => `T#${tenant}#VIEW#${viewer}`;
/** gsi2: the same, for one status. */
export const viewerStatusPk = (tenant: string, viewer: string, status: string) =>
  `T#${tenant}#VIEW#${viewer}#${status}`;
export const viewerSk = (createdAt: string, caseId: string) => `${createdAt}#${caseId}`;
/** gsi3: the cases a viewer may see that wait on a step, by due date (`dueAt < today`: overdue). */
export const viewerDuePk = (tenant: string, viewer: string) => `T#${tenant}#VIEW#${viewer}#DUE`;
export const viewerDueSk = (dueAt: string, createdAt: string, caseId: string) =>
  `${dueAt}#${createdAt}#${caseId}`;

/** gsi1: notifications not yet sent. */
export const outboxPendingPk = (tenant: string) => `T#${tenant}#OUTBOX`;
/** A mail of the log: in its case's partition, or in its day's digests. */
export const mailSk = (slot: string) => `MAIL#${slot}`;
export const mailPrefix = 'MAIL#';
export const digestPk = (tenant: string, day: string) => `T#${tenant}#DIGEST#${day}`;
/** gsi1: information mails kept for a daily digest that no digest gathered yet. */
export const digestPendingPk = (tenant: string) => `T#${tenant}#DIGEST`;

export const idempotencyPk = (tenant: string, sub: string, key: string) => `T#${tenant}#IDEM#${sub}#${key}`;
export const idempotencySk = 'IDEM';

/**
 * A user's membership is keyed by the Cognito `sub` alone: it is what names the user's tenant,
 * so a request finds it knowing nothing else. Its index entry (gsi1) carries the tenant.
 */
export const membershipPk = (sub: string) => `USER#${sub}`;
export const membershipSk = 'MEMBERSHIP';
/** A user's mail preferences, beside its membership. */
export const preferencesSk = 'PREFERENCES';
/** gsi1: the users of a tenant, by email. */
export const tenantUsersPk = (tenant: string) => `T#${tenant}#USERS`;
/** The tenant's membership journal and its count of enabled coordinateurs share one partition. */
export const membershipLogPk = (tenant: string) => `T#${tenant}#MEMBERSHIPS`;
export const membershipChangeSk = (at: string, id: string) => `CHANGE#${at}#${id}`;
export const membershipChangePrefix = 'CHANGE#';
export const coordinateurCountSk = 'COORDINATEURS';
