import {
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { Role } from '../../../shared/domain/caller.ts';
import type { CaseStatus, CaseView, HistoryEventView } from '../../../shared/domain/case.ts';
import type { AccessLogEntry, DocumentView } from '../../../shared/domain/document.ts';
import type { MailLogEntry } from '../../../shared/domain/mail-log.ts';
import type { MembershipChange, UserView } from '../../../shared/domain/membership.ts';
import type { Referentiel } from '../../../shared/domain/referentiel.ts';
import { api } from './client.ts';

/** Server state, read and changed only through these hooks (TanStack Query): screens hold no copies. */

export interface Me {
  sub: string;
  email: string;
  role: Role;
  organisationId: string;
}

export const keys = {
  me: ['me'] as const,
  referentiel: ['referentiel'] as const,
  cases: (filters: CaseFilters) => ['cases', filters] as const,
  case: (id: string) => ['case', id] as const,
  history: (id: string) => ['case', id, 'history'] as const,
  documents: (id: string) => ['case', id, 'documents'] as const,
  accessLog: (id: string) => ['case', id, 'access-log'] as const,
  mails: (id: string) => ['case', id, 'mails'] as const,
  users: ['admin', 'users'] as const,
};

export const useMe = (enabled = true) =>
  useQuery({ queryKey: keys.me, queryFn: () => api<Me>('/me'), staleTime: 60_000, enabled });

export const useReferentiel = () =>
  useQuery({
    queryKey: keys.referentiel,
    queryFn: () => api<Referentiel>('/referentiel'),
    staleTime: 300_000,
  });

export interface CaseFilters {
  status?: CaseStatus | undefined;
  overdue?: boolean | undefined;
}

/** Every page of the caller's cases (a listing holds tens of cases, not thousands). */
export const useCases = (filters: CaseFilters) =>
  useQuery({
    queryKey: keys.cases(filters),
    queryFn: async () => {
      const items: CaseView[] = [];
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ limit: '100' });
        if (filters.status) query.set('status', filters.status);
        if (filters.overdue) query.set('overdue', 'true');
        if (cursor) query.set('cursor', cursor);
        const page: { items: CaseView[]; nextCursor: string | null } = await api(`/cases?${query}`);
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items;
    },
  });

export const useCase = (id: string) =>
  useQuery({ queryKey: keys.case(id), queryFn: () => api<CaseView>(`/cases/${encodeURIComponent(id)}`) });

export const useHistory = (id: string) =>
  useQuery({
    queryKey: keys.history(id),
    queryFn: async () =>
      (await api<{ items: HistoryEventView[] }>(`/cases/${encodeURIComponent(id)}/history`)).items,
  });

export const useDocuments = (id: string) =>
  useQuery({
    queryKey: keys.documents(id),
    queryFn: async () =>
      (await api<{ items: DocumentView[] }>(`/cases/${encodeURIComponent(id)}/documents`)).items,
  });

/** The access log, a page at a time (the API pages it with a cursor). */
export const useAccessLog = (id: string, enabled: boolean) =>
  useInfiniteQuery({
    queryKey: keys.accessLog(id),
    enabled,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      api<{ items: AccessLogEntry[]; nextCursor: string | null }>(
        `/cases/${encodeURIComponent(id)}/access-log?limit=50${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    getNextPageParam: (last) => last.nextCursor,
  });

export const useMails = (id: string, enabled: boolean) =>
  useQuery({
    queryKey: keys.mails(id),
    enabled,
    queryFn: async () =>
      (await api<{ items: MailLogEntry[] }>(`/cases/${encodeURIComponent(id)}/mails`)).items,
  });

export const useUsers = (enabled: boolean) =>
  useQuery({
    queryKey: keys.users,
    enabled,
    queryFn: async () => (await api<{ items: UserView[] }>('/admin/users')).items,
  });

/** After a change of a case: what the screens show of it is read again. */
export function refreshCase(client: QueryClient, id: string) {
  return Promise.all([
    client.invalidateQueries({ queryKey: ['case', id] }),
    client.invalidateQueries({ queryKey: ['cases'] }),
  ]);
}

/** Sends an event; the answer is the case after it. */
export function useSendEvent(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api<CaseView>(`/cases/${encodeURIComponent(id)}/events`, { method: 'POST', body }),
    onSuccess: async (updated) => {
      client.setQueryData(keys.case(id), updated);
      await refreshCase(client, id);
    },
  });
}

/**
 * Opens a case for a centre (gestionnaire). The key is the caller's: the same key and centre sent
 * again (a click repeated after a lost answer) get the first case back instead of a second one.
 */
export function useOpenCase() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ centreId, idempotencyKey }: { centreId: string; idempotencyKey: string }) =>
      api<CaseView>('/cases', {
        method: 'POST',
        body: { centreId },
        headers: { 'idempotency-key': idempotencyKey },
      }),
    onSuccess: async (created) => {
      client.setQueryData(keys.case(created.id), created);
      await client.invalidateQueries({ queryKey: ['cases'] });
    },
  });
}

const membershipChangesKey = ['admin', 'membership-changes'] as const;

/** After a change of a membership: the users and the journal are read again. */
function refreshUsers(client: QueryClient) {
  return Promise.all([
    client.invalidateQueries({ queryKey: keys.users }),
    client.invalidateQueries({ queryKey: membershipChangesKey }),
  ]);
}

/** Invites a user with its membership (coordinateur). */
export function useInviteUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (invitation: { email: string; role: Role; organisationId: string }) =>
      api<UserView>('/admin/users', { method: 'POST', body: invitation }),
    onSuccess: () => refreshUsers(client),
  });
}

/** Changes a user's role or organisation, or disables (enables) the user (coordinateur). */
export function useChangeUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({
      userId,
      ...patch
    }: {
      userId: string;
      role?: Role;
      organisationId?: string;
      enabled?: boolean;
    }) => api<UserView>(`/admin/users/${encodeURIComponent(userId)}`, { method: 'PATCH', body: patch }),
    onSuccess: () => refreshUsers(client),
  });
}

/** The journal of membership changes, newest first, a page at a time ("Voir plus"). */
export const useMembershipChanges = (enabled: boolean) =>
  useInfiniteQuery({
    queryKey: membershipChangesKey,
    enabled,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ limit: '20' });
      if (pageParam) query.set('cursor', pageParam);
      return api<{ items: MembershipChange[]; nextCursor: string | null }>(
        `/admin/membership-changes?${query}`,
      );
    },
    getNextPageParam: (page) => page.nextCursor,
  });
