import { relationTo } from '../access/policy.ts';
import type { Caller } from '../domain/caller.ts';
import type { CaseRecord, Relation } from '../domain/case.ts';
import type { DocumentRecord } from '../domain/document.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { CaseDeps, CaseReadExtras, IdempotentAnswer } from './ports.ts';

/** A case the caller may see, how the caller stands to it, and the extras read with it. */
export interface VisibleCase {
  record: CaseRecord;
  relation: Relation;
  /** What was asked with the case (absent: nothing); `document` and `idempotent` are the answers. */
  extras?: CaseReadExtras;
  document?: DocumentRecord;
  idempotent?: IdempotentAnswer;
}

/**
 * The case and the caller's relation to it; 404 alike for a case that does not exist and one not
 * theirs to see. The first step of every case route: a route with a body finds the case before
 * reading the body, so that a case the caller may not see is a 404 whatever was sent.
 */
export async function visibleCase(
  deps: CaseDeps,
  caller: Caller,
  caseId: string,
  extras?: CaseReadExtras,
): Promise<VisibleCase> {
  const found = await findVisibleCase(deps, caller, caseId, extras);
  if (!found) throw new NotFoundError(`No case ${caseId}.`);
  return found;
}

/** The same, undefined when the caller may not see the case (for a use case that reads it again). */
export async function findVisibleCase(
  deps: CaseDeps,
  caller: Caller,
  caseId: string,
  extras?: CaseReadExtras,
): Promise<VisibleCase | undefined> {
  if (!extras?.documentId && !extras?.idempotency) {
    const record = await deps.cases.get(caller.tenant, caseId);
    const relation = record && relationTo(caller, record);
    return record && relation ? { record, relation } : undefined;
  }
  // Nothing read with the case is shown unless the case itself is visible to the caller.
  const { record, document, idempotent } = await deps.cases.getWith(caller.tenant, caseId, extras);
  const relation = record && relationTo(caller, record);
  if (!record || !relation) return undefined;
  return { record, relation, extras, ...(document && { document }), ...(idempotent && { idempotent }) };
}
