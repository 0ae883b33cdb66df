import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ficheTexts, newCase, sees, steps, USERS, uniqueFiche } from './arrange.ts';
import { heading, launchBrowser, NO_SUCH_CASE, signedInPage } from './helpers.ts';

/**
 * Confidentiality seen from the browser (issue 10): a funder not consulted, another centre's
 * gestionnaire and another firm's consultant open a case's address and are told it does not
 * exist, with nothing of it on the page, at every step of its life.
 */

const CENTRE_NAME = 'Centre social Les Tilleuls';
const OUTSIDERS = [
  { who: 'a funder not consulted', email: USERS.vitrolles },
  { who: 'another centre’s gestionnaire', email: USERS.oliviers },
  { who: 'another firm’s consultant', email: USERS.cabinetB },
] as const;
/** The saisine consults these three only: Vitrolles is not among them. */
const CONSULTED = ['caf13', 'etat', 'commune-marseille'];

const fiche = uniqueFiche(`confidentiel-${Date.now().toString(36)}`);
let browser: Browser;
let caseId: string;
const pages = new Map<string, Page>();

beforeAll(async () => {
  browser = await launchBrowser();
  caseId = await newCase(fiche);
  for (const { email } of [...OUTSIDERS, { email: USERS.etat }]) {
    pages.set(email, (await signedInPage(browser, email)).page);
  }
});
afterAll(async () => {
  await browser?.close();
});

/** Opens the case's address as `email`; returns the page's text and the answers the API gave it about the case. */
async function open(email: string) {
  const page = pages.get(email) as Page;
  const seen: { url: string; status: number }[] = [];
  const listen = (response: { url(): string; status(): number }) => {
    if (response.url().includes(caseId) && !response.url().includes('/dossiers/')) {
      seen.push({ url: response.url(), status: response.status() });
    }
  };
  page.on('response', listen);
  await page.goto(`/dossiers/${caseId}`);
  await heading(page).waitFor();
  return {
    page,
    seen,
    done: () => page.off('response', listen),
  };
}

async function expectNothingOfTheCase(email: string, stage: string) {
  expect(await sees(email, caseId), `the API lets ${email} see the case (${stage})`).toBe(false);
  const { page, seen, done } = await open(email);
  try {
    await page.getByText(NO_SUCH_CASE).waitFor();
    const text = await page.locator('body').innerText();
    expect(text, `${email} sees the centre's name (${stage})`).not.toContain(CENTRE_NAME);
    for (const secret of ficheTexts(fiche)) {
      expect(text, `${email} sees the fiche (${stage})`).not.toContain(secret);
    }
    // Nothing reached the page either: every answer about the case was a refusal.
    expect(
      seen.filter((r) => r.status < 400),
      `${email} received the case (${stage})`,
    ).toEqual([]);
  } finally {
    done();
  }
  // Nor is it in their dossiers.
  await page.goto('/dossiers');
  await heading(page).waitFor();
  await page.getByRole('status').or(page.getByRole('table')).first().waitFor();
  expect(
    await page.locator(`a[href$="${caseId}"]`).count(),
    `${email} has it in the dossiers (${stage})`,
  ).toBe(0);
  expect(await page.locator('body').innerText()).not.toContain(CENTRE_NAME);
}

describe('a case the browser does not show to those who may not see it', () => {
  const stages: [string, () => Promise<unknown>][] = [
    ['fiche transmise', () => steps.submit(caseId)],
    ['saisine concertée (caf13, etat, commune-marseille)', () => steps.openSaisine(caseId, CONSULTED)],
    [
      'diagnostic en cours (singuliers-co)',
      async () => {
        await steps.avis(caseId, USERS.caf);
        await steps.avis(caseId, USERS.etat, 'reserve');
        await steps.accept(caseId);
      },
    ],
    ['rapport à valider', () => steps.rapport(caseId)],
    ['rapport validé', () => steps.validate(caseId)],
    [
      'clôturé',
      async () => {
        await steps.restitution(caseId);
        await steps.rencontre(caseId);
      },
    ],
  ];

  for (const [stage, arrange] of stages) {
    it(`${stage}: each outsider is told the case does not exist and sees nothing of it`, async () => {
      await arrange();
      for (const { email } of OUTSIDERS) await expectNothingOfTheCase(email, stage);
      // The control: a consulted funder, from the saisine on, does see it (so the checks above can tell).
      if (await sees(USERS.etat, caseId)) {
        const { page, done } = await open(USERS.etat);
        done();
        await page.getByText(CENTRE_NAME).first().waitFor();
        expect(await page.getByText(NO_SUCH_CASE).count()).toBe(0);
      }
    });
  }
});
