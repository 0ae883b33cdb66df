import { relationTo } from '../access/policy.ts';
import type { Caller } from '../domain/caller.ts';
import type { CaseRecord, Relation } from '../domain/case.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { CaseDeps } from './ports.ts';

/** A case the caller may see, and how the caller stands to it. */
export interface VisibleCase {
  record: CaseRecord;
  relation: Relation;
}

/**
 * The case and the caller's relation to it; 404 alike for a case that does not exist and one not
 * theirs to see. The first step of every case route: a route with a body finds the case before
 * reading the body, so that a case the caller may not see is a 404 whatever was sent.
 */
export async function visibleCase(deps: CaseDeps, caller: Caller, caseId: string): Promise<VisibleCase> {
  const found = await findVisibleCase(deps, caller, caseId);
  if (!found) throw new NotFoundError(`No case ${caseId}.`);
  return found;
}

/** The same, undefined when the caller may not see the case (for a use case that reads it again). */
export async function findVisibleCase(
  deps: CaseDeps,
  caller: Caller,
  caseId: string,
): Promise<VisibleCase | undefined> {
  const record = await deps.cases.get(caller.tenant, caseId);
  const relation = record && relationTo(caller, record);
  return record && relation ? { record, relation } : undefined;
}
