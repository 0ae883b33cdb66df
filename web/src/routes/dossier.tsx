import { useParams } from 'react-router';
import { Page } from '../components/page.tsx';

/** A case (`/dossiers/{caseId}`). */
export function Dossier() {
  const { caseId = '' } = useParams();
  return <Page title={`Dossier ${caseId}`}>{null}</Page>;
}
