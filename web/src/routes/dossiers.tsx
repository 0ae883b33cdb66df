import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { CaseView } from '../../../shared/domain/case.ts';
import { CASE_STATUSES, type CaseStatus } from '../../../shared/domain/statuses.ts';
import { useCases, useMe, useReferentiel } from '../api/hooks.ts';
import { Page } from '../components/page.tsx';
import { frenchDay, STATUS_LABELS } from '../labels.ts';

/** The caller's cases, those waiting on it first; filters by status and overdue (kept in the URL). */
export function Dossiers() {
  const [params, setParams] = useSearchParams();
  const status = (CASE_STATUSES as readonly string[]).includes(params.get('statut') ?? '')
    ? (params.get('statut') as CaseStatus)
    : undefined;
  // The box follows the click at once; the URL (and so the list) follows in a transition.
  const inUrl = params.get('retard') === '1';
  const [overdue, setOverdue] = useState(inUrl);
  useEffect(() => setOverdue(inUrl), [inUrl]);
  const cases = useCases({ status, overdue: inUrl });
  const referentiel = useReferentiel();
  const centreName = (id: string) => referentiel.data?.centres.find((c) => c.id === id)?.nom ?? id;
  const me = useMe();
  const waits = (item: CaseView) => awaitsCaller(item, me.data?.organisationId);
  const sorted = [...(cases.data ?? [])].sort((a, b) => Number(waits(b)) - Number(waits(a)));
  const set = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  return (
    <Page title="Dossiers">
      <search className="filters" aria-label="Filtrer les dossiers">
        <div>
          <label htmlFor="statut">Statut</label>
          <select
            id="statut"
            value={status ?? ''}
            onChange={(event) => set('statut', event.target.value || undefined)}
          >
            <option value="">Tous les statuts</option>
            {CASE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="check">
          <input
            id="retard"
            type="checkbox"
            checked={overdue}
            onChange={(event) => {
              setOverdue(event.target.checked);
              set('retard', event.target.checked ? '1' : undefined);
            }}
          />
          <label htmlFor="retard">En retard seulement</label>
        </div>
      </search>
      {cases.isPending && <p role="status">Chargement des dossiers…</p>}
      {cases.isError && <p role="alert">Les dossiers n’ont pas pu être chargés : {cases.error.message}</p>}
      {cases.data && sorted.length === 0 && <p role="status">Aucun dossier.</p>}
      {sorted.length > 0 && (
        <table className="cases">
          <caption className="visually-hidden">
            Vos dossiers, ceux qui attendent une action de votre part en premier
          </caption>
          <thead>
            <tr>
              <th scope="col">Centre</th>
              <th scope="col">Statut</th>
              <th scope="col">Échéance</th>
              <th scope="col">Action attendue de vous</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((c) => (
              <CaseRow key={c.id} item={c} centre={centreName(c.centreId)} waits={waits(c)} />
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}

/**
 * Whether the case waits on the caller: an action of the procedure is its to take. Withdrawing is
 * always open to the centre and waits on nobody; an avis already given waits no more (it may still
 * be replaced).
 */
function awaitsCaller(item: CaseView, organisationId: string | undefined): boolean {
  return item.allowedEvents.some((event) => {
    if (event === 'WITHDRAW') return false;
    if (event === 'GIVE_AVIS') return !item.avis?.some((a) => a.partenaireId === organisationId);
    return true;
  });
}

function CaseRow({ item, centre, waits }: { item: CaseView; centre: string; waits: boolean }) {
  return (
    <tr>
      <th scope="row">
        <Link to={`/dossiers/${item.id}`}>{centre}</Link>
        <span className="hint"> créé le {frenchDay(item.createdAt.slice(0, 10))}</span>
      </th>
      <td>{STATUS_LABELS[item.status]}</td>
      <td>
        {item.deadline ? (
          <>
            {frenchDay(item.deadline.dueAt)}
            {item.deadline.overdue && <strong className="badge overdue"> En retard</strong>}
          </>
        ) : (
          '—'
        )}
      </td>
      <td>{waits ? <strong className="badge todo">À vous d’agir</strong> : 'Non'}</td>
    </tr>
  );
}
