import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_LABELS, STATUS_LABELS } from '../../web/src/labels.ts';
import { USERS } from './arrange.ts';
import {
  caseScreenMeasures,
  caseScreenTimings,
  checkA11y,
  description,
  heading,
  launchBrowser,
  openCase,
  printA11yReport,
  printTimings,
  signedInPage,
  until,
  waitForStatus,
} from './helpers.ts';

/**
 * The whole procedure through the console by five people in turn (issue 10): the centre's
 * gestionnaire, the Caf's coordination, two funders, the consultant. Each person signs in on the
 * sign-in page and works on the case screen, with the mouse; axe runs on each form as it is used.
 */

/** Small but real PDF files, each recognisable by its bytes. */
const pdf = (text: string) =>
  Buffer.from(`%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
const PIECE_JOINTE = { name: 'Bilan financier 2025.pdf', mimeType: 'application/pdf', buffer: pdf('bilan') };
const RAPPORT_V1 = { name: 'Rapport diagnostic v1.pdf', mimeType: 'application/pdf', buffer: pdf('v1') };
const RAPPORT_V2 = {
  name: 'Rapport diagnostic v2.pdf',
  mimeType: 'application/pdf',
  buffer: pdf(`version révisée ${Date.now()}`),
};

let browser: Browser;
const pages = new Map<string, Page>();
let caseId = '';
let started = 0;

/** The page of this person, signed in through the sign-in page the first time. */
async function as(email: string): Promise<Page> {
  let page = pages.get(email);
  if (!page) {
    page = (await signedInPage(browser, email)).page;
    pages.set(email, page);
  }
  return page;
}

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const announced = (page: Page, text: string) =>
  page.getByRole('status').filter({ hasText: text }).first().waitFor();

beforeAll(async () => {
  browser = await launchBrowser();
  started = performance.now();
});
afterAll(async () => {
  if (started)
    console.log(`The whole procedure in the browser: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  printTimings(
    'Time from navigation to a usable case screen (heading shown, action enabled)',
    caseScreenTimings,
  );
  console.log(caseScreenMeasures.map((m) => `  ${m.ms.toFixed(0).padStart(5)} ms  ${m.action}`).join('\n'));
  printA11yReport('Accessibility of the forms as the procedure uses them');
  await browser?.close();
});

describe('the procedure, through the console, by five people in turn', () => {
  it('the gestionnaire opens a new request for the centre', async () => {
    const page = await as(USERS.tilleuls);
    await page
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Nouvelle demande' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Nouvelle demande' }).waitFor();
    await button(page, 'Ouvrir la demande').click();
    await page.waitForURL(/\/dossiers\/c-[0-9a-z]{26}$/);
    caseId = new URL(page.url()).pathname.split('/').at(-1) as string;
    await heading(page).waitFor();
    await waitForStatus(page, STATUS_LABELS.brouillon);
  });

  it('an incomplete fiche is refused, with each missing field said next to it', async () => {
    const page = await as(USERS.tilleuls);
    await page.getByRole('radio', { name: 'Crise avérée' }).check();
    await page
      .getByRole('textbox', { name: "Signes d'alerte", exact: true })
      .fill('Trésorerie à deux mois, départ du directeur.');
    await button(page, EVENT_LABELS.SUBMIT_FICHE).click();

    const summary = page.getByRole('alert').filter({ hasText: 'Le nom du demandeur est à renseigner' });
    await summary.waitFor();
    const missing = {
      'Domaines concernés': page.getByRole('group', { name: 'Domaines concernés' }),
      'Nom du demandeur': page.getByRole('textbox', { name: 'Nom du demandeur', exact: true }),
      'Qualité du demandeur': page.getByRole('textbox', { name: 'Qualité du demandeur', exact: true }),
      'Adresse électronique du demandeur': page.getByRole('textbox', {
        name: 'Adresse électronique du demandeur',
        exact: true,
      }),
    };
    for (const [label, field] of Object.entries(missing)) {
      const said = await description(field);
      expect(said.text, `no error next to "${label}"`).toMatch(/à (renseigner|cocher|choisir)/);
      expect(said.visible, `the error next to "${label}" is not shown`).toBe(true);
      // The summary at the top names it too, as a link to the field.
      expect(await summary.getByRole('link').allInnerTexts()).toEqual(
        expect.arrayContaining([expect.stringContaining(said.text.split('Erreur : ').at(-1)?.trim() ?? '')]),
      );
    }
    for (const label of ['Nature de la demande', "Signes d'alerte"]) {
      const field =
        label === 'Nature de la demande'
          ? page.getByRole('radiogroup', { name: label }).or(page.getByRole('group', { name: label }))
          : page.getByRole('textbox', { name: label, exact: true });
      expect((await description(field.first())).text, `"${label}" is said missing`).not.toMatch(/Erreur/);
    }
    await waitForStatus(page, STATUS_LABELS.brouillon);
    await checkA11y(page, 'fiche refused, missing fields shown');
  });

  it('the gestionnaire completes the fiche, attaches a pièce jointe and transmits it', async () => {
    const page = await as(USERS.tilleuls);
    const domaines = page.getByRole('group', { name: 'Domaines concernés' });
    await domaines.getByRole('checkbox', { name: 'Gestion financière' }).check();
    await domaines.getByRole('checkbox', { name: 'Gouvernance' }).check();
    await page.getByRole('textbox', { name: 'Nom du demandeur', exact: true }).fill('Mme Martin');
    await page.getByRole('textbox', { name: 'Qualité du demandeur', exact: true }).fill('Présidente');
    await page
      .getByRole('textbox', { name: 'Adresse électronique du demandeur', exact: true })
      .fill('presidente@tilleuls.example.org');
    await page
      .getByRole('textbox', { name: 'Attentes', exact: true })
      .fill('Un regard extérieur sur la gouvernance.');
    await button(page, 'Enregistrer le brouillon').click();
    await announced(page, 'Le brouillon est enregistré.');

    await page.getByLabel('Pièce jointe à ajouter').setInputFiles(PIECE_JOINTE);
    await button(page, 'Joindre le fichier').click();
    await page.getByRole('region', { name: 'Pièces jointes' }).getByText(PIECE_JOINTE.name).waitFor();
    await checkA11y(page, 'fiche complete, pièce jointe attached');

    await button(page, EVENT_LABELS.SUBMIT_FICHE).click();
    await waitForStatus(page, STATUS_LABELS.fiche_transmise);
    expect(await button(page, EVENT_LABELS.SUBMIT_FICHE).count()).toBe(0);
    // The fiche as transmitted, and its pièce jointe among the documents.
    await page.getByText('Mme Martin').first().waitFor();
    await page.getByRole('button', { name: `Télécharger ${PIECE_JOINTE.name}` }).waitFor();
  });

  it('the coordinateur finds it waiting in the dossiers and opens the saisine concertée', async () => {
    const page = await as(USERS.coordination);
    await page.goto('/dossiers');
    const link = page.locator(`a[href="/dossiers/${caseId}"]`);
    await link.waitFor();
    expect(await page.getByRole('row').filter({ has: link }).innerText()).toContain('À vous d’agir');
    await openCase(page, caseId, EVENT_LABELS.OPEN_SAISINE);
    await checkA11y(page, 'case, fiche transmise (coordinateur)');
    await button(page, EVENT_LABELS.OPEN_SAISINE).click();
    await waitForStatus(page, STATUS_LABELS.saisine_concertee);
    await announced(page, 'La saisine concertée est ouverte.');
  });

  it('two funders give their avis', async () => {
    const caf = await as(USERS.caf);
    await openCase(caf, caseId, EVENT_LABELS.GIVE_AVIS);
    // Without a choice the avis is refused, and said so.
    await button(caf, EVENT_LABELS.GIVE_AVIS).click();
    await caf.getByRole('alert').filter({ hasText: 'Votre avis est à choisir' }).first().waitFor();
    await checkA11y(caf, 'avis refused, no choice (partenaire)');
    await caf.getByRole('radio', { name: 'Favorable', exact: true }).check();
    await caf.getByRole('textbox', { name: 'Commentaire' }).fill('La Caf soutient la demande.');
    await button(caf, EVENT_LABELS.GIVE_AVIS).click();
    await announced(caf, 'Votre avis est enregistré.');

    const etat = await as(USERS.etat);
    await openCase(etat, caseId, EVENT_LABELS.GIVE_AVIS);
    await etat.getByRole('radio', { name: 'Réservé', exact: true }).check();
    await button(etat, EVENT_LABELS.GIVE_AVIS).click();
    await announced(etat, 'Votre avis est enregistré.');
    await waitForStatus(etat, STATUS_LABELS.saisine_concertee);

    // Its avis given, the case no longer waits on État: its list says so.
    await etat.getByRole('link', { name: 'Dossiers', exact: true }).click();
    const row = etat.getByRole('row').filter({ has: etat.locator(`a[href="/dossiers/${caseId}"]`) });
    await row.waitFor();
    expect(await row.getByRole('cell').last().textContent()).toBe('Non');
  });

  it('the coordinateur accepts the request with Cabinet Singuliers & Co', async () => {
    const page = await as(USERS.coordination);
    await openCase(page, caseId, EVENT_LABELS.ACCEPT);
    const avis = page.getByRole('table', { name: 'Avis des partenaires consultés' });
    await avis
      .getByRole('row')
      .filter({ hasText: 'Caf des Bouches-du-Rhône' })
      .filter({ hasText: 'Favorable' })
      .waitFor();
    await avis.getByRole('row').filter({ hasText: 'État' }).filter({ hasText: 'Réservé' }).waitFor();
    await page
      .getByRole('combobox', { name: 'Prestataire' })
      .selectOption({ label: 'Cabinet Singuliers & Co' });
    await checkA11y(page, 'case, saisine with two avis (coordinateur)');
    await button(page, EVENT_LABELS.ACCEPT).click();
    await waitForStatus(page, STATUS_LABELS.diagnostic_en_cours);
  });

  it('the consultant uploads and submits the rapport', async () => {
    const page = await as(USERS.singuliers);
    await openCase(page, caseId, EVENT_LABELS.SUBMIT_RAPPORT);
    await page.getByLabel('Fichier du rapport').setInputFiles(RAPPORT_V1);
    await button(page, EVENT_LABELS.SUBMIT_RAPPORT).click();
    await waitForStatus(page, STATUS_LABELS.rapport_a_valider);
    await announced(page, 'Le rapport est déposé.');
  });

  it('the centre asks for a revision', async () => {
    const page = await as(USERS.tilleuls);
    await openCase(page, caseId, EVENT_LABELS.REQUEST_REVISION);
    await page.getByRole('button', { name: `Télécharger ${RAPPORT_V1.name}` }).waitFor();
    await page
      .getByRole('textbox', { name: 'Ce qui est à revoir dans le rapport' })
      .fill('Préciser le plan de trésorerie.');
    await checkA11y(page, 'case, rapport à valider (gestionnaire)');
    await button(page, EVENT_LABELS.REQUEST_REVISION).click();
    await waitForStatus(page, STATUS_LABELS.diagnostic_en_cours);
  });

  it('the consultant submits the revised rapport', async () => {
    const page = await as(USERS.singuliers);
    await openCase(page, caseId, EVENT_LABELS.SUBMIT_RAPPORT);
    await page.getByLabel('Fichier du rapport').setInputFiles(RAPPORT_V2);
    await button(page, EVENT_LABELS.SUBMIT_RAPPORT).click();
    await waitForStatus(page, STATUS_LABELS.rapport_a_valider);
  });

  it('the centre validates the rapport, once it confirms having read it', async () => {
    const page = await as(USERS.tilleuls);
    await openCase(page, caseId, EVENT_LABELS.VALIDATE_RAPPORT);
    await button(page, EVENT_LABELS.VALIDATE_RAPPORT).click();
    await page.getByRole('alert').filter({ hasText: 'Cochez la case' }).first().waitFor();
    await checkA11y(page, 'validation refused, not confirmed (gestionnaire)');
    await page.getByRole('checkbox', { name: /J'ai lu le rapport et je le valide/ }).check();
    await button(page, EVENT_LABELS.VALIDATE_RAPPORT).click();
    await waitForStatus(page, STATUS_LABELS.restitution_a_faire);
  });

  it('a funder downloads the validated rapport: the same bytes as uploaded', async () => {
    const page = await as(USERS.caf);
    await openCase(page, caseId);
    const download = page.getByRole('button', { name: /^Télécharger Rapport/ });
    // Only the validated version reaches the funders.
    await page.getByRole('button', { name: `Télécharger ${RAPPORT_V2.name}` }).waitFor();
    expect(await download.allInnerTexts()).toEqual([`Télécharger ${RAPPORT_V2.name}`]);
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    expect(file.suggestedFilename()).toBe(RAPPORT_V2.name);
    const bytes = await readFile(await file.path());
    expect(bytes.equals(RAPPORT_V2.buffer), 'the downloaded rapport differs from the uploaded one').toBe(
      true,
    );
  });

  it('the consultant records the restitution, with a rencontre des partenaires to follow', async () => {
    const page = await as(USERS.singuliers);
    await openCase(page, caseId, EVENT_LABELS.RECORD_RESTITUTION);
    await page.getByLabel('Date de la restitution').fill('2026-12-01');
    await page.getByRole('checkbox', { name: 'Une rencontre des partenaires suit' }).check();
    await page
      .getByRole('textbox', { name: 'Compte rendu' })
      .fill('Restitution au conseil d’administration.');
    await checkA11y(page, 'case, restitution à faire (prestataire)');
    await button(page, EVENT_LABELS.RECORD_RESTITUTION).click();
    await waitForStatus(page, STATUS_LABELS.rencontre_partenaires);
  });

  it('the coordinateur records the rencontre des partenaires, and the case is closed', async () => {
    const page = await as(USERS.coordination);
    await openCase(page, caseId, EVENT_LABELS.RECORD_RENCONTRE);
    await page.getByLabel('Date de la rencontre').fill('2026-12-15');
    await button(page, EVENT_LABELS.RECORD_RENCONTRE).click();
    await waitForStatus(page, STATUS_LABELS.cloturee);
    await checkA11y(page, 'case, clôturé (coordinateur)');

    // Everyone who followed it sees it closed, with nothing left to do.
    for (const email of [USERS.tilleuls, USERS.caf, USERS.etat, USERS.singuliers]) {
      const other = await as(email);
      await openCase(other, caseId);
      await waitForStatus(other, STATUS_LABELS.cloturee);
      for (const label of Object.values(EVENT_LABELS)) {
        expect(await button(other, label).count(), `${email} is offered "${label}"`).toBe(0);
      }
    }
    const list = await as(USERS.tilleuls);
    await list.goto('/dossiers');
    const row = list.getByRole('row').filter({ has: list.locator(`a[href="/dossiers/${caseId}"]`) });
    await until(
      async () => (await row.innerText()).includes(STATUS_LABELS.cloturee),
      'the dossiers to say Clôturé',
    );
  });
});
