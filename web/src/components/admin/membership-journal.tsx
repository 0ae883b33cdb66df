import { useEffect, useRef, useState } from 'react';
import type { MembershipChange, MembershipTerms } from '../../../../shared/domain/membership.ts';
import { useMembershipChanges } from '../../api/hooks.ts';
import { frenchInstant, ROLE_LABELS } from '../../labels.ts';

const ACTION_LABELS: Readonly<Record<MembershipChange['action'], string>> = {
  invited: 'Invitation',
  seeded: 'Création à l’installation',
  changed: 'Changement de rôle ou d’organisation',
  disabled: 'Désactivation',
  enabled: 'Réactivation',
};

/** The journal of membership changes, newest first; "Voir plus" reads the next page. */
export function MembershipJournal({ organisationName }: { organisationName: (id: string) => string }) {
  const journal = useMembershipChanges(true);
  const items = journal.data?.pages.flatMap((page) => page.items) ?? [];
  const body = useRef<HTMLTableSectionElement>(null);
  // After "Voir plus", the focus goes to the first change just read (the button may be gone).
  const [focusFrom, setFocusFrom] = useState<number>();
  useEffect(() => {
    if (focusFrom === undefined || items.length <= focusFrom) return;
    body.current?.rows[focusFrom]?.querySelector<HTMLElement>('th')?.focus();
    setFocusFrom(undefined);
  }, [focusFrom, items.length]);

  const terms = (t: MembershipTerms | undefined) =>
    t
      ? `${ROLE_LABELS[t.role] ?? t.role}, ${organisationName(t.organisationId)}, ${t.enabled ? 'actif' : 'désactivé'}`
      : '—';

  if (journal.isPending) return <p role="status">Chargement du journal…</p>;
  if (journal.isError) return <p role="alert">Le journal n’a pas pu être chargé : {journal.error.message}</p>;
  if (items.length === 0) return <p>Aucun changement pour l’instant.</p>;
  return (
    <>
      <table className="journal">
        <caption>Les changements d’adhésion, du plus récent au plus ancien</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Utilisateur</th>
            <th scope="col">Changement</th>
            <th scope="col">Avant</th>
            <th scope="col">Après</th>
            <th scope="col">Par</th>
          </tr>
        </thead>
        <tbody ref={body}>
          {items.map((change) => (
            <tr key={`${change.at}|${change.userId}|${change.action}`}>
              <th scope="row" tabIndex={-1}>
                {frenchInstant(change.at)}
              </th>
              <td>{change.email}</td>
              <td>{ACTION_LABELS[change.action] ?? change.action}</td>
              <td>{terms(change.before)}</td>
              <td>{terms(change.after)}</td>
              <td>{change.by.email}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {journal.hasNextPage && (
        <p>
          <button
            type="button"
            className="button secondary"
            aria-disabled={journal.isFetchingNextPage || undefined}
            onClick={() => {
              if (journal.isFetchingNextPage) return;
              setFocusFrom(items.length);
              void journal.fetchNextPage();
            }}
          >
            Voir plus<span className="visually-hidden"> de changements</span>
          </button>
        </p>
      )}
      <p role="status" className="visually-hidden">
        {journal.isFetchingNextPage ? 'Chargement des changements suivants…' : ''}
      </p>
    </>
  );
}
