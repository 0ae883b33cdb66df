import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client.ts';
import { useCase, useMe, useReferentiel } from '../api/hooks.ts';
import { CaseActions } from '../components/case/actions.tsx';
import { Documents } from '../components/case/documents.tsx';
import { CaseFeedback } from '../components/case/feedback.tsx';
import { FicheForm, FicheView } from '../components/case/fiche.tsx';
import { History } from '../components/case/history.tsx';
import { AccessLog, Mails } from '../components/case/journals.tsx';
import { Standing } from '../components/case/standing.tsx';
import { nameIn } from '../components/case/words.ts';
import { Page } from '../components/page.tsx';

/**
 * A case (`/dossiers/{caseId}`): where it stands, its fiche (a form for the gestionnaire while it
 * is a draft), the actions the API allows this caller, its documents, its history, and the access
 * log and mails where the API gives them.
 */
export function Dossier() {
  const { caseId = '' } = useParams();
  const found = useCase(caseId);
  const referentiel = useReferentiel();
  const me = useMe();

  if (found.isError) {
    const unknown = found.error instanceof ApiError && [400, 404].includes(found.error.status);
    return unknown ? (
      <Page title="Dossier introuvable">
        <p>Ce dossier n'existe pas ou vous n'y avez pas accès.</p>
        <p>
          <Link to="/dossiers">Revenir à vos dossiers</Link>
        </p>
      </Page>
    ) : (
      <Page title="Dossier indisponible">
        <p role="alert">Le dossier n'a pas pu être chargé. Réessayez dans un instant.</p>
        <p>
          <Link to="/dossiers">Revenir à vos dossiers</Link>
        </p>
      </Page>
    );
  }
  // The title names the centre: the screen opens once both are known, so that it is announced once.
  if (!found.data || referentiel.isPending) return <p role="status">Chargement du dossier…</p>;

  const item = found.data;
  const centre = nameIn(referentiel.data, item.centreId);
  const editable = item.allowedEvents.includes('SUBMIT_FICHE');
  return (
    <Page title={`${centre} — dossier`}>
      <CaseFeedback>
        <Standing item={item} referentiel={referentiel.data} />
        <section aria-labelledby="fiche" className="case-section">
          <h2 id="fiche">Fiche d'information</h2>
          {editable ? (
            <FicheForm key={item.id} item={item} referentiel={referentiel.data} />
          ) : (
            <FicheView fiche={item.fiche} referentiel={referentiel.data} />
          )}
        </section>
        <CaseActions item={item} referentiel={referentiel.data} me={me.data} />
        <Documents caseId={item.id} />
        <History caseId={item.id} referentiel={referentiel.data} />
        <AccessLog caseId={item.id} />
        <Mails caseId={item.id} />
      </CaseFeedback>
    </Page>
  );
}
