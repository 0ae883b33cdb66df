import { join } from 'node:path';

/**
 * `npm run docs:screenshot`: the picture at the top of the README. A local stack with the
 * demonstration cases, the console signed in as the coordination, its list of dossiers, then a case
 * waiting on the saisine; written to docs/console-dossiers.png and docs/console-dossier.png.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const repo = join(import.meta.dirname, '..', '..');
const { build } = await import('vite');
await build({ configFile: join(repo, 'web', 'vite.config.ts'), logLevel: 'warn' });
const { freePort } = await import('../../infra/local/processes.ts');
const { startLocalStack } = await import('../../infra/local/stack.ts');
const { seedDemo } = await import('../../infra/local/demo.ts');
const { chromium } = await import('playwright-core');
const { mkdtempSync } = await import('node:fs');
const { tmpdir } = await import('node:os');

const [dynamodb, s3, ses, cognito] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
const stack = await startLocalStack({
  ports: { dynamodb, s3, ses, cognito },
  gatewayPort: 0,
  dataDir: mkdtempSync(join(tmpdir(), 'renfort-screenshot-')),
});
process.on('exit', () => stack.killNow());
await seedDemo(stack.url);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'fr-FR' });
const page = await context.newPage();
await page.goto(`${stack.url}/connexion`);
await page.getByRole('button', { name: 'coordination@caf13.example.org' }).click();
await page.getByRole('table').waitFor();
await page.screenshot({ path: join(repo, 'docs', 'console-dossiers.png') });
await page.getByRole('combobox', { name: 'Statut' }).selectOption({ label: 'Saisine concertée' });
await page.getByRole('table').getByRole('link').first().click();
await page.getByRole('heading', { name: 'Où en est le dossier' }).waitFor();
await page.waitForLoadState('networkidle');
await page.screenshot({ path: join(repo, 'docs', 'console-dossier.png') });
await browser.close();
await stack.stop();
console.log('docs/console-dossiers.png and docs/console-dossier.png written');
process.exit(0);
