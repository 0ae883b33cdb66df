import { Link } from 'react-router';
import { Page } from '../components/page.tsx';

export function NotFound() {
  return (
    <Page title="Page introuvable">
      <p>Cette page n’existe pas, ou vous n’y avez pas accès.</p>
      <p>
        <Link to="/dossiers">Revenir à vos dossiers</Link>
      </p>
    </Page>
  );
}
