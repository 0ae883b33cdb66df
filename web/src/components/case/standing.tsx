import type { CaseView } from '../../../../shared/domain/case.ts';
import type { Referentiel } from '../../../../shared/domain/referentiel.ts';
import { frenchDay, frenchInstant, STATUS_LABELS, STEPS } from '../../labels.ts';
import { AVIS_LABELS, nameIn } from './words.ts';

type StepState = 'done' | 'current' | 'stopped' | 'todo' | 'skipped';

const STATE_TEXT: Readonly<Record<StepState, string>> = {
  done: 'terminée',
  current: 'en cours',
  stopped: 'arrêtée',
  todo: 'à venir',
  skipped: 'non engagée',
};

/** Where each of the five steps stands, as words (the colours only repeat them). */
function stepStates(item: CaseView): StepState[] {
  // A refused case stopped at the saisine; a withdrawn one at the saisine if it was opened.
  const stop = item.status === 'refusee' || (item.consultedPartenaireIds?.length ?? 0) > 0 ? 1 : 0;
  return STEPS.map((step, index) => {
    if (item.status === 'cloturee') return 'done';
    if (item.status === 'refusee' || item.status === 'abandonnee') {
      return index < stop ? 'done' : index === stop ? 'stopped' : 'skipped';
    }
    const current = STEPS.findIndex((s) => s.statuses.includes(item.status));
    if (step.statuses.includes(item.status)) return 'current';
    return index < current ? 'done' : 'todo';
  });
}

/** Where the case stands: the five steps, its status, the due date of its step, the avis, who is on it. */
export function Standing({ item, referentiel }: { item: CaseView; referentiel: Referentiel | undefined }) {
  const states = stepStates(item);
  const names = (ids: readonly string[]) => ids.map((id) => nameIn(referentiel, id)).join(', ');
  return (
    <section aria-labelledby="situation" className="case-section">
      <h2 id="situation" tabIndex={-1}>
        Où en est le dossier
      </h2>
      <ol className="steps" aria-label="Les cinq étapes de la procédure">
        {STEPS.map((step, index) => {
          const state = states[index] ?? 'todo';
          return (
            <li
              key={step.label}
              className={`step-${state}`}
              aria-current={state === 'current' ? 'step' : undefined}
            >
              <span className="step-number">
                Étape {index + 1}
                <span className="visually-hidden"> : </span>
              </span>
              <span className="step-label">{step.label}</span>
              <span className="step-state">
                <span className="visually-hidden">, </span>
                {STATE_TEXT[state]}
              </span>
            </li>
          );
        })}
      </ol>
      <dl className="facts">
        <div>
          <dt>Statut</dt>
          <dd>{STATUS_LABELS[item.status]}</dd>
        </div>
        {item.deadline && (
          <div>
            <dt>Échéance de l’étape</dt>
            <dd>
              {frenchDay(item.deadline.dueAt)}
              {item.deadline.overdue && (
                <>
                  {' '}
                  <strong className="badge overdue">En retard</strong>
                </>
              )}
            </dd>
          </div>
        )}
        {item.avisRequested !== undefined && (
          <div>
            <dt>Avis reçus</dt>
            <dd>
              {item.avisReceived ?? 0} sur {item.avisRequested}
            </dd>
          </div>
        )}
        {item.consultedPartenaireIds && item.consultedPartenaireIds.length > 0 && (
          <div>
            <dt>Partenaires consultés</dt>
            <dd>{names(item.consultedPartenaireIds)}</dd>
          </div>
        )}
        {item.prestataireId && (
          <div>
            <dt>Prestataire</dt>
            <dd>{nameIn(referentiel, item.prestataireId)}</dd>
          </div>
        )}
        {item.decision?.outcome === 'refused' && (
          <div>
            <dt>Refus</dt>
            <dd>
              le {frenchInstant(item.decision.at)}
              {item.decision.motif && <span className="long-text">Motif : {item.decision.motif}</span>}
            </dd>
          </div>
        )}
        {item.withdrawal && (
          <div>
            <dt>Retrait de la demande</dt>
            <dd>
              le {frenchInstant(item.withdrawal.at)}
              {item.withdrawal.motif && <span className="long-text">Motif : {item.withdrawal.motif}</span>}
            </dd>
          </div>
        )}
        {item.restitution && (
          <div>
            <dt>Restitution</dt>
            <dd>
              le {frenchDay(item.restitution.date)}
              {item.restitution.rencontrePartenaires && ', suivie d’une rencontre des partenaires'}
              {item.restitution.compteRendu && (
                <span className="long-text">Compte rendu : {item.restitution.compteRendu}</span>
              )}
            </dd>
          </div>
        )}
        {item.rencontre && (
          <div>
            <dt>Rencontre des partenaires</dt>
            <dd>
              le {frenchDay(item.rencontre.date)}
              {item.rencontre.compteRendu && (
                <span className="long-text">Compte rendu : {item.rencontre.compteRendu}</span>
              )}
            </dd>
          </div>
        )}
      </dl>
      {item.avis && item.avis.length > 0 && (
        <table className="compact">
          <caption>Avis des partenaires consultés</caption>
          <thead>
            <tr>
              <th scope="col">Partenaire</th>
              <th scope="col">Avis</th>
              <th scope="col">Commentaire</th>
              <th scope="col">Donné le</th>
            </tr>
          </thead>
          <tbody>
            {item.avis.map((a) => (
              <tr key={a.partenaireId}>
                <th scope="row">{nameIn(referentiel, a.partenaireId)}</th>
                <td>{AVIS_LABELS[a.avis]}</td>
                <td className="long-text">{a.commentaire ?? '—'}</td>
                <td>{frenchInstant(a.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
