import { useQueryClient } from '@tanstack/react-query';
import type { DocumentView } from '../../../../shared/domain/document.ts';
import { ApiError } from '../../api/client.ts';
import { keys, useDocuments } from '../../api/hooks.ts';
import { frenchInstant } from '../../labels.ts';
import { useFeedback } from './feedback.tsx';
import { fromProblem } from './form-errors.ts';
import { downloadDocument } from './upload.tsx';
import { frenchSize, KIND_LABELS } from './words.ts';

/** The documents this caller may see (the API filters them), each downloadable. */
export function Documents({ caseId }: { caseId: string }) {
  const documents = useDocuments(caseId);
  const client = useQueryClient();
  const feedback = useFeedback();
  const available = (documents.data ?? []).filter((d) => d.status === 'available');

  async function download(document: DocumentView) {
    try {
      await downloadDocument(caseId, document.id);
    } catch (error) {
      const reason =
        error instanceof ApiError && error.status === 403
          ? 'ce document ne vous est pas accessible.'
          : (fromProblem(error, {})[0]?.message ?? '');
      feedback.fail([{ message: `« ${document.filename} » n'a pas pu être téléchargé : ${reason}` }]);
      return;
    }
    await client.invalidateQueries({ queryKey: keys.accessLog(caseId) });
  }

  return (
    <section aria-labelledby="documents" className="case-section">
      <h2 id="documents">Documents</h2>
      {documents.isPending && <p>Chargement des documents…</p>}
      {documents.isError && <p>Les documents n'ont pas pu être chargés.</p>}
      {documents.data && available.length === 0 && <p>Aucun document pour l'instant.</p>}
      {available.length > 0 && (
        <table>
          <caption className="visually-hidden">Documents du dossier que vous pouvez consulter</caption>
          <thead>
            <tr>
              <th scope="col">Fichier</th>
              <th scope="col">Nature</th>
              <th scope="col">Taille</th>
              <th scope="col">Déposé le</th>
              <th scope="col">
                <span className="visually-hidden">Téléchargement</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {available.map((d) => (
              <tr key={d.id}>
                <th scope="row" className="filename">
                  {d.filename}
                </th>
                <td>
                  {KIND_LABELS[d.kind]}
                  {d.rapportVersion !== undefined && ` (version ${d.rapportVersion})`}
                </td>
                <td>{frenchSize(d.size)}</td>
                <td>{frenchInstant(d.confirmedAt ?? d.createdAt)}</td>
                <td>
                  <button type="button" className="button secondary" onClick={() => download(d)}>
                    Télécharger {d.filename}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
