import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCase, USERS, uniqueFiche } from './arrange.ts';
import { heading, launchBrowser, openPage } from './helpers.ts';

/**
 * The session as a user meets it: the link of a mail opened while signed out leads, after the
 * sign-in, to that very case; a session the API no longer accepts sends back to the sign-in, in
 * French, and then to the page asked for.
 */

let browser: Browser;
let caseId: string;

beforeAll(async () => {
  browser = await launchBrowser();
  caseId = await newCase(uniqueFiche(`session-${Date.now().toString(36)}`));
});
afterAll(async () => {
  await browser?.close();
});

describe('the session', () => {
  it('brings a mail’s link, opened signed out, to its case once signed in', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(`/dossiers/${caseId}`);
    await expect.poll(() => page.url(), { timeout: 10_000 }).toMatch(/\/connexion\?retour=/);
    await page.getByRole('button', { name: USERS.tilleuls }).click();
    await page.waitForURL(new RegExp(`/dossiers/${caseId}$`));
    await expect.poll(async () => heading(page).textContent()).toContain('Centre social Les Tilleuls');
    await context.close();
  });

  it('sends a tab whose token is no longer accepted back to the sign-in, and then where it was', async () => {
    const { page, context } = await openPage(browser);
    // A token the API refuses, as an expired one is (set before the console reads it).
    await page.addInitScript(
      "if (!sessionStorage.getItem('renfort.token')) sessionStorage.setItem('renfort.token', 'expired.token.value');",
    );
    await page.goto('/dossiers?statut=brouillon');
    // The refused token sends the tab away while its first navigation may still be loading:
    // waiting for that load would see it aborted (net::ERR_ABORTED), so the address is polled.
    await expect
      .poll(() => page.url(), { timeout: 10_000 })
      .toMatch(/\/connexion\?retour=%2Fdossiers%3Fstatut%3Dbrouillon/);
    await page.getByRole('button', { name: USERS.tilleuls }).click();
    await page.waitForURL(/\/dossiers\?statut=brouillon$/);
    await heading(page).waitFor();
    expect(await heading(page).textContent()).toBe('Dossiers');
    await context.close();
  });

  it('never leads the sign-in to another site', async () => {
    const { page, context } = await openPage(browser);
    await page.goto('/connexion?retour=//evil.example.org/x');
    await page.getByRole('button', { name: USERS.tilleuls }).click();
    await page.waitForURL(/\/dossiers$/);
    await context.close();
  });
});
