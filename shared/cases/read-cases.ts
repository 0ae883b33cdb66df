import { caseView, historyView, relationTo, viewerKeyOf } from '../access/policy.ts';
import type { Caller } from '../domain/caller.ts';
import type { CaseRecord, CaseView, HistoryEventView } from '../domain/case.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { CaseDeps } from './ports.ts';
import { visibleCase } from './visible-case.ts';

export async function getCase(deps: CaseDeps, caller: Caller, caseId: string): Promise<CaseView> {
  const { record, relation } = await visibleCase(deps, caller, caseId);
  return caseView(record, relation, deps.now());
}

/** The history, oldest first, as the caller may read it. */
export async function getHistory(
  deps: CaseDeps,
  caller: Caller,
  caseId: string,
): Promise<HistoryEventView[]> {
  const { relation } = await visibleCase(deps, caller, caseId);
  return historyView(await deps.cases.history(caller.tenant, caseId), relation);
}

export interface ListQuery {
  status?: string;
  limit: number;
  cursor?: string;
}

/**
 * The cases the caller may see, newest first, one page at a time. The listing index is only
 * a pointer: each case is read whole and passed through the policy again before it is shown.
 */
export async function listCases(
  deps: CaseDeps,
  caller: Caller,
  { status, limit, cursor }: ListQuery,
): Promise<{ items: CaseView[]; nextCursor: string | null }> {
  const viewer = viewerKeyOf(caller);
  const scope = `${caller.tenant}|${caller.sub}|${viewer}|${status ?? '*'}`;
  const after = cursor ? decodeCursor(cursor, scope, deps.cursorSecret) : undefined;
  const page = await deps.cases.listByViewer(caller.tenant, viewer, {
    limit,
    ...(status && { status }),
    ...(after && { after: { createdAt: after.createdAt, caseId: after.caseId } }),
  });
  const now = deps.now();
  const items = page.records.flatMap((record: CaseRecord) => {
    const relation = relationTo(caller, record);
    return relation && (!status || record.status === status) ? [caseView(record, relation, now)] : [];
  });
  return {
    items,
    nextCursor: page.next ? encodeCursor({ ...page.next, scope }, deps.cursorSecret) : null,
  };
}
