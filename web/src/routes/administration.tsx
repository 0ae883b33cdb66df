import { Page } from '../components/page.tsx';

/** The coordination's administration of users and memberships. */
export function Administration() {
  return <Page title="Administration des utilisateurs">{null}</Page>;
}
