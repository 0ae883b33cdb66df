import type { HistoryEventView } from '../../../../shared/domain/case.ts';
import type { Referentiel } from '../../../../shared/domain/referentiel.ts';
import { useHistory } from '../../api/hooks.ts';
import { frenchDay, frenchInstant, ROLE_LABELS } from '../../labels.ts';
import { AVIS_LABELS, HISTORY_LABELS, knownName, nameIn } from './words.ts';

/** What the history tells of an event: a few lines, from what the API let this caller read. */
function details(event: HistoryEventView, referentiel: Referentiel | undefined): string[] {
  const p = event.payload ?? {};
  const text = (key: string) => (typeof p[key] === 'string' ? (p[key] as string) : undefined);
  const names = (key: string) =>
    Array.isArray(p[key]) ? (p[key] as string[]).map((id) => nameIn(referentiel, id)).join(', ') : undefined;
  const lines = [
    text('avis') && `Avis : ${AVIS_LABELS[text('avis') as keyof typeof AVIS_LABELS] ?? text('avis')}`,
    text('commentaire') && `Commentaire : ${text('commentaire')}`,
    text('message') && `Message : ${text('message')}`,
    text('motif') && `Motif : ${text('motif')}`,
    names('consultedPartenaireIds') && `Partenaires consultés : ${names('consultedPartenaireIds')}`,
    text('prestataireId') && `Prestataire : ${nameIn(referentiel, text('prestataireId') ?? '')}`,
    text('date') && `Date : ${frenchDay(text('date') ?? '')}`,
    typeof p.rencontrePartenaires === 'boolean' &&
      (p.rencontrePartenaires ? 'Une rencontre des partenaires suit.' : 'Pas de rencontre des partenaires.'),
    text('compteRendu') && `Compte rendu : ${text('compteRendu')}`,
  ];
  return lines.filter((line): line is string => typeof line === 'string');
}

function title(event: HistoryEventView): string {
  if (event.redacted && event.type === 'GIVE_AVIS') return "Avis d'un partenaire (contenu réservé)";
  const label = HISTORY_LABELS[event.type] ?? event.type;
  return event.redacted ? `${label} (contenu réservé)` : label;
}

/** The events of the case, oldest first, as the API redacts them for this caller. */
export function History({ caseId, referentiel }: { caseId: string; referentiel: Referentiel | undefined }) {
  const history = useHistory(caseId);
  return (
    <section aria-labelledby="historique" className="case-section">
      <h2 id="historique">Historique</h2>
      {history.isPending && <p>Chargement de l'historique…</p>}
      {history.isError && <p>L'historique n'a pas pu être chargé.</p>}
      {history.data && (
        <ol className="history">
          {history.data.map((event) => {
            const who = [
              ROLE_LABELS[event.actor.role] ?? event.actor.role,
              // The coordination is no organisation of the referentiel: its role says who it is.
              event.actor.organisationId && knownName(referentiel, event.actor.organisationId),
            ]
              .filter(Boolean)
              .join(', ');
            return (
              <li key={event.seq}>
                <p className="history-head">
                  <strong>{title(event)}</strong> — <time dateTime={event.at}>{frenchInstant(event.at)}</time>
                </p>
                <p className="hint">par {who}</p>
                {!event.redacted &&
                  details(event, referentiel).map((line) => (
                    <p key={line} className="long-text">
                      {line}
                    </p>
                  ))}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
