import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_LABELS } from '../../web/src/labels.ts';
import { type CaseFacts, caseIn, SCENARIOS, type Scenario } from '../helpers/cases.ts';
import { api, newCase, sees, USERS } from './arrange.ts';
import {
  checkA11y,
  heading,
  launchBrowser,
  NO_SUCH_CASE,
  openPage,
  printA11yReport,
  signedInPage,
} from './helpers.ts';

/**
 * axe-core on every screen of the console, for every role (issue 10: 0 violations, WCAG 2.1 AA):
 * the sign-in; the dossiers with and without filters; a case in each status for each role that
 * sees it, and the screen of one it may not see; the new request; the administration; a page that
 * does not exist. The forms of the actions are checked as the procedure test opens them.
 */

const ROLES = [
  { role: 'gestionnaire', email: USERS.tilleuls },
  { role: 'coordinateur', email: USERS.coordination },
  { role: 'partenaire', email: USERS.caf },
  { role: 'prestataire', email: USERS.singuliers },
] as const;

let browser: Browser;
const cases = new Map<Scenario, CaseFacts>();
let incompleteDraft: string;

beforeAll(async () => {
  browser = await launchBrowser();
  const client = api();
  for (const scenario of SCENARIOS) cases.set(scenario, await caseIn(client, scenario));
  incompleteDraft = await newCase({ nature: 'preventive', attentes: 'Un regard extérieur.' });
}, 180_000);
afterAll(async () => {
  printA11yReport('Accessibility of every screen');
  await browser?.close();
});

const usersTable = (page: Page) =>
  page.getByRole('table', { name: 'Les utilisateurs de Renfort, par adresse électronique' });

/** Waits until what the screen loads has come (its heading shown, the network quiet). */
async function settled(page: Page) {
  await heading(page).waitFor();
  await page.waitForLoadState('networkidle');
}

it('the sign-in page', async () => {
  const { page, context } = await openPage(browser);
  await page.goto('/connexion');
  await settled(page);
  await page.getByRole('button').first().waitFor();
  await checkA11y(page, 'sign-in');
  await context.close();
});

it('the sign-in page after a failed sign-in (an unknown address)', async () => {
  const { page, context } = await openPage(browser);
  await page.goto('/connexion');
  await settled(page);
  await page
    .getByRole('textbox', { name: 'Ou l’adresse d’un utilisateur invité' })
    .fill('personne@example.org');
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await page.getByRole('alert').waitFor();
  await checkA11y(page, 'sign-in, error');
  await context.close();
});

for (const { role, email } of ROLES) {
  describe(`${role} (${email})`, () => {
    let page: Page;
    beforeAll(async () => {
      page = (await signedInPage(browser, email)).page;
    });
    afterAll(async () => {
      await page?.context().close();
    });

    it('the dossiers, without and with filters', async () => {
      await page.goto('/dossiers');
      await settled(page);
      await page.getByRole('table').waitFor();
      await checkA11y(page, `dossiers (${role})`);

      await page.getByRole('combobox', { name: 'Statut' }).selectOption({ label: STATUS_LABELS.cloturee });
      await page.waitForURL(/statut=cloturee/);
      await page.waitForLoadState('networkidle');
      await page.getByRole('table').or(page.getByText('Aucun dossier.')).first().waitFor();
      await checkA11y(page, `dossiers, status filter (${role})`);

      await page.getByRole('checkbox', { name: 'En retard seulement' }).check();
      await page.waitForURL(/retard=1/);
      await page.waitForLoadState('networkidle');
      await page.getByText('Aucun dossier.').or(page.getByRole('table')).first().waitFor();
      await checkA11y(page, `dossiers, status and overdue filters (${role})`);
    });

    it('a case in each status it sees, and one it does not', async () => {
      let hidden = false;
      for (const scenario of SCENARIOS) {
        const facts = cases.get(scenario) as CaseFacts;
        const visible = await sees(email, facts.id);
        if (!visible && hidden) continue;
        await page.goto(`/dossiers/${facts.id}`);
        await settled(page);
        if (visible) {
          expect(
            await page.getByText(NO_SUCH_CASE).count(),
            `${role} is told ${scenario} does not exist`,
          ).toBe(0);
          await checkA11y(page, `case ${scenario} (${role})`);
        } else {
          await page.getByText(NO_SUCH_CASE).waitFor();
          await checkA11y(page, `case not visible, ${scenario} (${role})`);
          hidden = true;
        }
      }
    });

    it('a page that does not exist', async () => {
      await page.goto('/nulle-part');
      await settled(page);
      await checkA11y(page, `not-found page (${role})`);
      await page.goto('/dossiers/c-00000000000000000000000000');
      await settled(page);
      await page.getByText(NO_SUCH_CASE).waitFor();
      await checkA11y(page, `case that does not exist (${role})`);
    });

    if (role === 'gestionnaire') {
      it('the fiche of a brouillon with its missing fields shown', async () => {
        await page.goto(`/dossiers/${incompleteDraft}`);
        await settled(page);
        await page.getByRole('button', { name: 'Transmettre la fiche' }).click();
        await page.getByRole('alert').first().waitFor();
        await checkA11y(page, `fiche with missing fields (${role})`);
      });

      it('the new request', async () => {
        await page.goto('/nouvelle-demande');
        await settled(page);
        await page.getByRole('button', { name: 'Ouvrir la demande' }).waitFor();
        await checkA11y(page, `new request (${role})`);
      });
    }

    if (role === 'coordinateur') {
      it('the administration, and its invitation with errors', async () => {
        await page.goto('/administration');
        await settled(page);
        await page.getByRole('button', { name: 'Inviter' }).waitFor();
        await checkA11y(page, `administration (${role})`);
        await page.getByRole('button', { name: 'Inviter' }).click();
        await page.getByRole('alert').first().waitFor();
        await checkA11y(page, `administration, invitation with errors (${role})`);
      });

      it('the administration’s dialogs: change a user, disable a user', async () => {
        await page.goto('/administration');
        await settled(page);
        await page.getByRole('button', { name: `Modifier ${USERS.oliviers}` }).click();
        await page.getByRole('dialog', { name: `Modifier ${USERS.oliviers}` }).waitFor();
        await checkA11y(page, `administration, change dialog (${role})`);
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });

        await page.getByRole('button', { name: `Désactiver ${USERS.oliviers}` }).click();
        const dialog = page.getByRole('dialog', { name: `Désactiver ${USERS.oliviers} ?` });
        await dialog.waitFor();
        await checkA11y(page, `administration, disable dialog (${role})`);
        await dialog.getByRole('button', { name: 'Annuler' }).click();
        await page.getByRole('dialog').waitFor({ state: 'detached' });
        // Cancelled: the account is still active.
        expect(
          await usersTable(page).getByRole('row').filter({ hasText: USERS.oliviers }).innerText(),
        ).toContain('Actif');
      });

      it('invites a new gestionnaire, who then signs in', async () => {
        const email = `benevole.${Date.now().toString(36)}@tilleuls.example.org`;
        await page.goto('/administration');
        await settled(page);
        await page.getByRole('textbox', { name: 'Adresse électronique' }).fill(email);
        await page
          .getByRole('combobox', { name: 'Rôle' })
          .selectOption({ label: 'Gestionnaire (centre ou fédération)' });
        await page
          .getByRole('combobox', { name: 'Organisation' })
          .selectOption({ label: 'Centre social Les Tilleuls' });
        await page.getByRole('button', { name: 'Inviter' }).click();
        await page.getByRole('status').filter({ hasText: email }).first().waitFor();
        await usersTable(page).getByRole('row').filter({ hasText: email }).waitFor();
        await checkA11y(page, `administration, after an invitation (${role})`);

        const invited = await signedInPage(browser, email);
        await invited.page.getByRole('table').or(invited.page.getByText('Aucun dossier.')).first().waitFor();
        await invited.page.waitForLoadState('networkidle');
        await checkA11y(invited.page, 'dossiers (an invited gestionnaire)');
        await invited.context.close();
      });
    }
  });
}

describe(`a federation's gestionnaire (${USERS.ifac})`, () => {
  it('the new request, with the choice of the centre', async () => {
    const { page, context } = await signedInPage(browser, USERS.ifac);
    await page.goto('/nouvelle-demande');
    await settled(page);
    await page.getByRole('button', { name: 'Ouvrir la demande' }).waitFor();
    await checkA11y(page, 'new request (federation gestionnaire)');
    await context.close();
  });
});

it('the sign-in page lists the local users as buttons named by their email', async () => {
  const { page, context } = await openPage(browser);
  await page.goto('/connexion');
  await settled(page);
  for (const email of Object.values(USERS)) {
    expect(await page.getByRole('button', { name: email }).count(), `no button for ${email}`).toBe(1);
  }
  await context.close();
});

// The API's view, said once: the accessibility checks above rely on these cases existing.
it('arranged a case in every status', async () => {
  for (const [scenario, facts] of cases) {
    const res = await api().call('GET', `/cases/${facts.id}`, { as: USERS.tilleuls });
    expect(res.json.status, scenario).toBe(facts.status);
  }
});
