import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_LABELS, STATUS_LABELS } from '../../web/src/labels.ts';
import { caseAs, USERS } from './arrange.ts';
import {
  expectFocusVisible,
  focusInfo,
  focusSteps,
  hasFocus,
  heading,
  launchBrowser,
  openPage,
  press,
  tabTo,
  type,
  waitForStatus,
} from './helpers.ts';

/**
 * The fiche submission with the keyboard alone (issue 10): Tab, Shift+Tab, Space, Enter, the arrow
 * keys and typing; never a click. At each stop of the focus, the focus shows (an outline).
 */

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  ({ page } = await openPage(browser));
});
afterAll(async () => {
  const hidden = focusSteps.filter(
    (s) => !s.programmatic && (s.outline.startsWith('none') || s.outline.endsWith(' 0px')),
  );
  console.log(
    `Keyboard run: ${focusSteps.length} focus stops, ${hidden.length} without a visible outline${
      hidden.length ? `: ${hidden.map((s) => `${s.step} → ${s.focus}`).join('; ')}` : ''
    }`,
  );
  await browser?.close();
});

const textbox = (name: string) => page.getByRole('textbox', { name, exact: true });

describe('the fiche, from the sign-in to its transmission, with the keyboard alone', () => {
  it('signs in', async () => {
    await page.goto('/connexion');
    await heading(page).waitFor();
    const listed = page.getByRole('button', { name: USERS.tilleuls });
    const field = textbox('Ou l’adresse d’un utilisateur invité');
    await field.or(listed).first().waitFor();
    if ((await listed.count()) > 0) {
      await tabTo(page, listed, { step: 'sign-in: the user' });
      await page.keyboard.press('Enter');
    } else {
      // The page lists no user (see the accessibility test): the address, typed.
      await tabTo(page, field, { step: 'sign-in: the address' });
      await type(page, USERS.tilleuls);
      await page.keyboard.press('Enter');
    }
    await page.getByRole('heading', { level: 1, name: 'Dossiers' }).waitFor();
  });

  it('skips to the content, then opens a new request', async () => {
    // The first stop of a signed-in screen is the skip link, shown when it has the focus.
    await page.goto('/dossiers');
    await page.getByRole('heading', { level: 1, name: 'Dossiers' }).waitFor();
    const skip = page.getByRole('link', { name: 'Aller au contenu' });
    await tabTo(page, skip, { backwards: true, step: 'dossiers: back to the skip link' });
    expect(await skip.isVisible(), 'the skip link does not show when focused').toBe(true);

    const link = page
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Nouvelle demande' });
    await tabTo(page, link, { step: 'dossiers: the link to the new request' });
    // It leads to another screen, which puts the focus on its heading.
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Nouvelle demande' }).waitFor();
    const open = page.getByRole('button', { name: 'Ouvrir la demande' });
    await tabTo(page, open, { step: 'new request: Ouvrir la demande' });
    // It leads to another screen, which puts the focus on its heading.
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/dossiers\/c-[0-9a-z]{26}$/);
    await heading(page).waitFor();
    await waitForStatus(page, STATUS_LABELS.brouillon);
  });

  it('fills part of the fiche, transmits it, and is told what is missing', async () => {
    // The nature: into the group with Tab, the choice with the arrow keys.
    const preventive = page.getByRole('radio', { name: 'Préventive' });
    await tabTo(page, preventive, { step: 'fiche: Nature de la demande' });
    await press(page, 'Space', 'fiche: Space on Préventive');
    await press(page, 'ArrowDown', 'fiche: ArrowDown');
    expect(await page.getByRole('radio', { name: 'Crise avérée' }).isChecked()).toBe(true);
    expect(await preventive.isChecked()).toBe(false);

    await tabTo(page, textbox("Signes d'alerte"), { step: "fiche: Signes d'alerte" });
    await type(page, 'Deux exercices déficitaires, départ de la directrice.');

    const transmit = page.getByRole('button', { name: EVENT_LABELS.SUBMIT_FICHE });
    await tabTo(page, transmit, { step: 'fiche: Transmettre la fiche' });
    await press(page, 'Enter', 'fiche: Enter on Transmettre la fiche');

    // The summary takes the focus; its first link leads to the first missing field.
    const summary = page.getByRole('alert').filter({ hasText: 'est à renseigner' });
    await summary.waitFor();
    const focus = await focusInfo(page);
    expect(await hasFocus(summary), `the focus is on ${focus?.description}, not on the summary`).toBe(true);
    await expectFocusVisible(page, 'fiche: the error summary');
    await tabTo(page, summary.getByRole('link').first(), { max: 3, step: 'summary: its first link' });
    await press(page, 'Enter', 'summary: Enter on the first link');
    // It leads to the domaines: their group, or its first checkbox.
    const domaines = page.getByRole('group', { name: 'Domaines concernés' });
    const links = await summary.getByRole('link').allInnerTexts();
    expect(
      await hasFocus(domaines),
      `the first link of the summary (${links.join(' | ')}) led to ${(await focusInfo(page))?.description}, not to the domaines`,
    ).toBe(true);
    const financiere = page.getByRole('checkbox', { name: 'Gestion financière' });
    if (!(await hasFocus(financiere)))
      await tabTo(page, financiere, { max: 2, step: 'fiche: Gestion financière' });
  });

  it('completes the fiche and transmits it', async () => {
    await press(page, 'Space', 'fiche: Space on Gestion financière');
    expect(await page.getByRole('checkbox', { name: 'Gestion financière' }).isChecked()).toBe(true);
    await tabTo(page, page.getByRole('checkbox', { name: 'Gouvernance' }), { step: 'fiche: Gouvernance' });
    await press(page, 'Space', 'fiche: Space on Gouvernance');
    expect(await page.getByRole('checkbox', { name: 'Gouvernance' }).isChecked()).toBe(true);

    for (const [name, text] of [
      ['Nom du demandeur', 'Mme Martin'],
      ['Qualité du demandeur', 'Présidente'],
      ['Adresse électronique du demandeur', 'presidente@tilleuls.example.org'],
      ['Attentes', 'Un regard extérieur sur la gouvernance.'],
    ] as const) {
      await tabTo(page, textbox(name), { step: `fiche: ${name}` });
      await type(page, text);
    }
    // Back one field, to correct the telephone left empty: Shift+Tab.
    const telephone = textbox('Téléphone du demandeur');
    await tabTo(page, telephone, { backwards: true, max: 3, step: 'fiche: back to the telephone' });
    await type(page, '04 91 00 00 00');

    const transmit = page.getByRole('button', { name: EVENT_LABELS.SUBMIT_FICHE });
    await tabTo(page, transmit, { step: 'fiche: Transmettre la fiche' });
    await press(page, 'Enter', 'fiche: Enter on Transmettre la fiche');
    await waitForStatus(page, STATUS_LABELS.fiche_transmise);

    const caseId = new URL(page.url()).pathname.split('/').at(-1) as string;
    const sent = await caseAs(USERS.tilleuls, caseId);
    expect(sent.status).toBe('fiche_transmise');
  });
});
