import { existsSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';

/**
 * What the browser tests share: Debian's chromium driven by playwright-core (no browser download),
 * sign-in through the console's own sign-in page, axe-core on a screen, the keyboard.
 */

export { USERS } from '../helpers/cases.ts';

/** The console's address (`http://localhost:{port}/`), served by the e2e stack's gateway. */
export const consoleUrl = () => inject('consoleUrl');
/** The API's address, for arranging cases with `fetch` (the same gateway). */
export const apiUrl = () => inject('apiUrl');

/** Debian's chromium, headless. CHROMIUM_PATH points elsewhere when it lives elsewhere. */
export function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `The browser tests need Chromium at ${executablePath}: install it (apt-get install -y chromium, as .ci/run does) or set CHROMIUM_PATH to a Chromium or Chrome executable.`,
    );
  }
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}

/**
 * A fresh context (its own session storage: one person per context) and a page in it. A context
 * from `browser.newContext()`, as axe-core/playwright needs to finish its run in a page of its own.
 */
export async function openPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: consoleUrl(),
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

/** The one `h1` of the screen. */
export const heading = (page: Page) => page.getByRole('heading', { level: 1 });

/**
 * Signs in through the sign-in page: the button named by the user's email, or, for a user the page
 * does not list (an invited one), the address typed in its field. Ends on the dossiers.
 */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto('/connexion');
  await heading(page).waitFor();
  // The list comes with /config.json: wait for it, or for the field of the invited users.
  const listed = page.getByRole('button', { name: email });
  await page
    .getByRole('textbox', { name: 'Ou l’adresse d’un utilisateur invité' })
    .or(listed)
    .first()
    .waitFor();
  if ((await listed.count()) > 0) {
    await listed.click();
  } else {
    await page.getByRole('textbox', { name: 'Ou l’adresse d’un utilisateur invité' }).fill(email);
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  }
  await page.waitForURL('**/dossiers');
  await page.getByRole('heading', { level: 1, name: 'Dossiers' }).waitFor();
}

/** A new context signed in as `email`. */
export async function signedInPage(browser: Browser, email: string) {
  const opened = await openPage(browser);
  await signIn(opened.page, email);
  return opened;
}

/** The case screen's statement that there is no such case, for whoever may not see it. */
export const NO_SUCH_CASE = /Ce dossier n[’']existe pas ou vous n[’']y avez pas accès\./;

// ---------------------------------------------------------------------------------------------
// Accessibility

export interface A11yResult {
  screen: string;
  url: string;
  violations: number;
  nodes: number;
  passes: number;
  incomplete: number;
  rules: string[];
}

/** Every screen checked in this test file, for the report printed at its end. */
export const a11yReport: A11yResult[] = [];

/**
 * axe-core on the page as it stands (WCAG 2.0 and 2.1, A and AA): expects no violation, and says
 * each one readably when there are some (rule, impact, help, the elements and what is wrong with
 * them). Soft: the test goes on with the next screens and fails at its end.
 */
export async function checkA11y(page: Page, screen: string): Promise<A11yResult> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const result: A11yResult = {
    screen,
    url: new URL(page.url()).pathname + new URL(page.url()).search,
    violations: results.violations.length,
    nodes: results.violations.reduce((sum, v) => sum + v.nodes.length, 0),
    passes: results.passes.length,
    incomplete: results.incomplete.length,
    rules: results.violations.map((v) => v.id),
  };
  a11yReport.push(result);
  const readable = results.violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    - ${n.target.join(' ')}\n      ${n.failureSummary?.replace(/\n/g, '\n      ')}`)
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}`;
    })
    .join('\n');
  expect.soft(results.violations.length, `axe on "${screen}" (${result.url}):\n${readable}`).toBe(0);
  return result;
}

/** The axe results of a test file, one line per screen. */
export function printA11yReport(title: string): void {
  if (a11yReport.length === 0) return;
  const width = Math.max(...a11yReport.map((r) => r.screen.length));
  const lines = a11yReport.map(
    (r) =>
      `  ${r.screen.padEnd(width)}  ${String(r.violations).padStart(2)} violation(s)${
        r.violations ? ` on ${r.nodes} element(s): ${r.rules.join(', ')}` : ''
      }  (${r.passes} rules passed, ${r.incomplete} to review by hand)`,
  );
  console.log(`${title}: axe-core (wcag2a, wcag2aa, wcag21a, wcag21aa)\n${lines.join('\n')}`);
}

// ---------------------------------------------------------------------------------------------
// Keyboard

export interface FocusInfo {
  /** `button "Transmettre la fiche"`, for messages. */
  description: string;
  tag: string;
  programmatic: boolean;
  outlineStyle: string;
  outlineWidth: string;
}

interface ElementLike {
  tagName: string;
  id: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
}

/** The focused element and how its focus shows. */
export function focusInfo(page: Page): Promise<FocusInfo | null> {
  return page.evaluate(() => {
    const global = globalThis as unknown as {
      document: { activeElement: ElementLike | null; body: ElementLike };
      getComputedStyle(element: ElementLike): { outlineStyle: string; outlineWidth: string };
    };
    const element = global.document.activeElement;
    if (!element || element === global.document.body) return null;
    const style = global.getComputedStyle(element);
    const tag = element.tagName.toLowerCase();
    const role = element.getAttribute('role') ?? element.tagName.toLowerCase();
    const label =
      element.getAttribute('aria-label') ??
      element.getAttribute('name') ??
      (element.id ? `#${element.id}` : (element.textContent ?? '').trim().slice(0, 40));
    return {
      description: `${role} "${label}"`,
      tag,
      // A screen's heading or main, focused by the screen when it opens so that it is announced:
      // not a stop of the Tab key, and not something to act on.
      programmatic: element.getAttribute('tabindex') === '-1' && ['h1', 'h2', 'main'].includes(tag),
      outlineStyle: style.outlineStyle,
      outlineWidth: style.outlineWidth,
    };
  });
}

/** Every focus the keyboard gave, and whether it showed, for the keyboard test's report. */
export const focusSteps: { step: string; focus: string; outline: string; programmatic: boolean }[] = [];

/** Expects the focused element to show its focus: an outline that is not `none` nor 0 wide. */
export async function expectFocusVisible(page: Page, step: string): Promise<FocusInfo> {
  const info = await focusInfo(page);
  expect(info, `${step}: nothing has the focus`).not.toBeNull();
  const focus = info as FocusInfo;
  focusSteps.push({
    step,
    focus: focus.description,
    outline: `${focus.outlineStyle} ${focus.outlineWidth}`,
    programmatic: focus.programmatic,
  });
  expect
    .soft(
      focus.programmatic || (focus.outlineStyle !== 'none' && focus.outlineWidth !== '0px'),
      `${step}: the focus on ${focus.description} does not show (outline ${focus.outlineStyle} ${focus.outlineWidth})`,
    )
    .toBe(true);
  return focus;
}

/** Whether `locator` holds the focus (it, or an element inside it: a radio of a group). */
export function hasFocus(locator: Locator): Promise<boolean> {
  return locator
    .evaluate((element) => {
      const doc = (globalThis as unknown as { document: { activeElement: unknown } }).document;
      const el = element as unknown as { contains(other: unknown): boolean };
      return el.contains(doc.activeElement);
    })
    .catch(() => false);
}

/**
 * Presses Tab (or Shift+Tab) until `target` has the focus, checking at each stop that the focus
 * shows. Fails after `max` presses.
 */
export async function tabTo(
  page: Page,
  target: Locator,
  { backwards = false, max = 60, step = 'tab' }: { backwards?: boolean; max?: number; step?: string } = {},
): Promise<number> {
  const key = backwards ? 'Shift+Tab' : 'Tab';
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press(key);
    await expectFocusVisible(page, `${step} (${key} ×${presses})`);
    if (await hasFocus(target)) return presses;
  }
  throw new Error(`${step}: ${max} presses of ${key} never reached ${target}`);
}

/** Presses a key, then checks the focus still shows. */
export async function press(page: Page, key: string, step = key): Promise<void> {
  await page.keyboard.press(key);
  await expectFocusVisible(page, step);
}

/** Types text into the focused field, key by key as a person would. */
export async function type(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text);
}

// ---------------------------------------------------------------------------------------------
// Waiting

/** Waits until `check` holds (polling every 50 ms), or fails saying `what` after `timeout` ms. */
export async function until(check: () => Promise<boolean>, what: string, timeout = 15_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the control is there and enabled. */
export async function enabled(locator: Locator, timeout = 15_000): Promise<void> {
  await locator.waitFor({ timeout });
  await until(() => locator.isEnabled(), `${locator} to be enabled`, timeout);
}

// ---------------------------------------------------------------------------------------------
// Timing

/** The time from a navigation to a usable case screen, in ms, each time one was measured. */
export const caseScreenTimings: number[] = [];
/** The same, with the action waited for. */
export const caseScreenMeasures: { action: string; ms: number }[] = [];

/**
 * Opens a case's screen and waits until it is usable: its heading visible and, when given, the
 * action expected there enabled. Returns the time it took from the navigation, in ms.
 */
export async function openCase(page: Page, caseId: string, action?: string): Promise<number> {
  const started = performance.now();
  await page.goto(`/dossiers/${caseId}`);
  await heading(page).waitFor({ state: 'visible' });
  if (action) await enabled(page.getByRole('button', { name: action }));
  const ms = performance.now() - started;
  caseScreenTimings.push(ms);
  caseScreenMeasures.push({ action: action ?? '(no action)', ms });
  return ms;
}

export function printTimings(title: string, timings: number[]): void {
  if (timings.length === 0) return;
  const sorted = [...timings].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  console.log(
    `${title}: ${sorted.length} measures, median ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms, max ${(
      sorted.at(-1) as number
    ).toFixed(0)} ms, min ${(sorted[0] as number).toFixed(0)} ms`,
  );
}

// ---------------------------------------------------------------------------------------------
// The case screen

/** The status the case screen shows (the `Statut` of where the case stands). */
export function statusOf(page: Page): Promise<string> {
  return page
    .locator('dt')
    .filter({ hasText: /^Statut$/ })
    .locator('xpath=following-sibling::dd[1]')
    .innerText();
}

/** Waits until the case screen shows this status. */
export async function waitForStatus(page: Page, label: string, timeout = 15_000): Promise<void> {
  let last = '';
  await until(
    async () => {
      last = (await statusOf(page)).trim();
      return last === label;
    },
    `the status "${label}" (shown: "${last}")`,
    timeout,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; shown: "${last}"`);
  });
}

/**
 * What a control's `aria-describedby` says (its hint and its error), and whether each of those
 * elements is visible: an error "next to the field" is both tied to it and shown.
 */
export function description(locator: Locator): Promise<{ text: string; visible: boolean }> {
  return locator.evaluate((element) => {
    interface Described {
      getAttribute(name: string): string | null;
    }
    interface Shown {
      textContent: string | null;
      getClientRects(): { length: number };
    }
    const doc = (globalThis as unknown as { document: { getElementById(id: string): Shown | null } })
      .document;
    const ids = ((element as unknown as Described).getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean);
    const found = ids.map((id) => doc.getElementById(id));
    return {
      text: found.map((e) => e?.textContent ?? '').join(' '),
      visible: found.every((e) => e !== null && e.getClientRects().length > 0),
    };
  });
}
