import { Page } from '../components/page.tsx';

/** A gestionnaire opens a case for its centre, or for a centre of its federation. */
export function NewRequest() {
  return <Page title="Nouvelle demande">{null}</Page>;
}
