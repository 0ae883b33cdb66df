import { useAccessLog, useMails, useMe } from '../../api/hooks.ts';
import { frenchInstant, ROLE_LABELS } from '../../labels.ts';
import { MAIL_KIND_LABELS, MAIL_STATUS_LABELS, mailSubject } from './words.ts';

/**
 * The access log and the mails of the case: asked for whoever opens the screen, shown only when
 * the API answers them (a refusal means they are not for this caller: nothing is shown).
 */

export function AccessLog({ caseId }: { caseId: string }) {
  const me = useMe();
  // For the centre and the coordination only (the API says so too): not even asked by the others.
  const mayRead = me.data?.role === 'gestionnaire' || me.data?.role === 'coordinateur';
  const pages = useAccessLog(caseId, mayRead);
  if (!pages.data) return null;
  const log = { data: pages.data.pages.flatMap((page) => page.items) };
  return (
    <section aria-labelledby="journal-acces" className="case-section">
      <h2 id="journal-acces">Journal des accès aux documents</h2>
      {log.data.length === 0 ? (
        <p>Aucun document n'a encore été téléchargé.</p>
      ) : (
        <table>
          <caption>Qui a obtenu un lien de téléchargement, et quand</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Personne</th>
              <th scope="col">Document</th>
              <th scope="col">Lien valable jusqu'à</th>
            </tr>
          </thead>
          <tbody>
            {log.data.map((entry) => (
              <tr key={`${entry.at}-${entry.user.sub}-${entry.documentId}`}>
                <td>{frenchInstant(entry.at)}</td>
                <td>
                  {entry.user.email}
                  <span className="hint">{ROLE_LABELS[entry.user.role] ?? entry.user.role}</span>
                </td>
                <td className="filename">
                  {entry.filename}
                  {entry.rapportVersion !== undefined && ` (rapport, version ${entry.rapportVersion})`}
                </td>
                <td>{frenchInstant(entry.expiresAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pages.hasNextPage && (
        <button
          type="button"
          className="button secondary"
          disabled={pages.isFetchingNextPage}
          onClick={() => pages.fetchNextPage()}
        >
          Voir plus d’accès
        </button>
      )}
    </section>
  );
}

export function Mails({ caseId }: { caseId: string }) {
  const me = useMe();
  const mails = useMails(caseId, me.data?.role === 'coordinateur');
  if (!mails.data) return null;
  return (
    <section aria-labelledby="courriels" className="case-section">
      <h2 id="courriels">Courriels</h2>
      {mails.data.length === 0 ? (
        <p>Aucun courriel pour ce dossier.</p>
      ) : (
        <table>
          <caption>Les courriels envoyés pour ce dossier, les plus anciens en premier</caption>
          <thead>
            <tr>
              <th scope="col">Créé le</th>
              <th scope="col">Au sujet de</th>
              <th scope="col">Nature</th>
              <th scope="col">Destinataire</th>
              <th scope="col">État</th>
            </tr>
          </thead>
          <tbody>
            {mails.data.map((mail) => (
              <tr key={mail.id}>
                <td>{frenchInstant(mail.createdAt)}</td>
                <td>{mailSubject(mail.template)}</td>
                <td>{MAIL_KIND_LABELS[mail.kind] ?? mail.kind}</td>
                <td>{mail.to}</td>
                <td>
                  {MAIL_STATUS_LABELS[mail.status] ?? mail.status}
                  {mail.sentAt && <span className="hint">le {frenchInstant(mail.sentAt)}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
