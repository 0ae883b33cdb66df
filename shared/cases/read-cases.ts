import { caseView, historyView, relationTo, viewerKeyOf } from '../access/policy.ts';
import type { Caller } from '../domain/caller.ts';
import type { CaseRecord, CaseView, HistoryEventView } from '../domain/case.ts';
import { isOverdue, parisDay } from '../domain/delais.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { CaseDeps, ListingEntry, ListPage } from './ports.ts';
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
  /** Only the cases whose current step is overdue. */
  overdue?: boolean;
  limit: number;
  cursor?: string;
}

/**
 * The cases the caller may see, newest first, one page at a time. The listing index is only
 * a pointer: each case is read whole and passed through the policy again before it is shown.
 * With `overdue`, the viewer's overdue entries are one Query on the due-date index (as many reads
 * as there are overdue cases, however many cases the viewer has), ordered newest first here.
 */
export async function listCases(
  deps: CaseDeps,
  caller: Caller,
  { status, overdue = false, limit, cursor }: ListQuery,
): Promise<{ items: CaseView[]; nextCursor: string | null }> {
  const viewer = viewerKeyOf(caller);
  const scope = `${caller.tenant}|${caller.sub}|${viewer}|${status ?? '*'}${overdue ? '|overdue' : ''}`;
  const after = cursor ? decodeCursor(cursor, scope, deps.cursorSecret) : undefined;
  const now = deps.now();
  const page = overdue
    ? await overduePage(deps, caller.tenant, viewer, { now, limit, after, ...(status && { status }) })
    : await deps.cases.listByViewer(caller.tenant, viewer, {
        limit,
        ...(status && { status }),
        ...(after && { after: { createdAt: after.createdAt, caseId: after.caseId } }),
      });
  const items = page.records.flatMap((record: CaseRecord) => {
    const relation = relationTo(caller, record);
    const shown =
      relation &&
      (!status || record.status === status) &&
      (!overdue || (record.deadline !== undefined && isOverdue(record.deadline.dueAt, now)));
    return shown ? [caseView(record, relation, now)] : [];
  });
  return {
    items,
    nextCursor: page.next ? encodeCursor({ ...page.next, scope }, deps.cursorSecret) : null,
  };
}

const position = (e: Pick<ListingEntry, 'createdAt' | 'caseId'>) => `${e.createdAt}#${e.caseId}`;

/** A page of the viewer's overdue cases, newest first, after the cursor's position. */
async function overduePage(
  deps: CaseDeps,
  tenant: string,
  viewer: string,
  {
    now,
    limit,
    after,
    status,
  }: { now: Date; limit: number; after?: { createdAt: string; caseId: string }; status?: string },
): Promise<ListPage> {
  const entries = await deps.cases.overdueEntries(tenant, viewer, parisDay(now));
  // The status filter is applied before the page is cut, so that no page comes back empty.
  const newestFirst = entries
    .filter((e) => !status || e.status === status)
    .filter((e) => !after || position(e) < position(after))
    .sort((a, b) => position(b).localeCompare(position(a)));
  const page = newestFirst.slice(0, limit);
  const last = page.at(-1);
  return {
    records: await deps.cases.getMany(
      tenant,
      page.map((e) => e.caseId),
    ),
    ...(newestFirst.length > limit && last && { next: { createdAt: last.createdAt, caseId: last.caseId } }),
  };
}
