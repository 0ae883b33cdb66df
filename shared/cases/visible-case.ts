import { relationTo } from '../access/policy.ts';
import type { Caller } from '../domain/caller.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { CaseDeps } from './ports.ts';

/** The case and the caller's relation to it; 404 alike for a case that does not exist and one not theirs to see. */
export async function visibleCase(deps: CaseDeps, caller: Caller, caseId: string) {
  const record = await deps.cases.get(caller.tenant, caseId);
  const relation = record && relationTo(caller, record);
  if (!record || !relation) throw new NotFoundError(`No case ${caseId}.`);
  return { record, relation };
}
