import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_MARK, DEMO_STATUSES } from '../../infra/local/demo.ts';
import { allGone, busyPorts, freeStartPorts, processesOf, startProcess } from '../helpers/npm-start.ts';

/**
 * `npm start` as a newcomer runs it (DESIGN.md §6, issue 10): the console's address first, the
 * demo cases with --demo (once), one plain sentence and exit code 1 for a busy port, an old Java
 * or a failed start, and no process of the stack left running however it ends, including a
 * SIGTERM sent to npm's pid alone (npm 11 does not pass it on).
 */

const repoRoot = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'renfort-npm-start-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const INDEX = '<!doctype html><html lang="fr"><title>Renfort</title><p>console de test</p></html>';
const dist = join(scratch, 'dist');
mkdirSync(join(dist, 'assets'), { recursive: true });
writeFileSync(join(dist, 'index.html'), INDEX);
writeFileSync(join(dist, 'assets', 'index-1a2b.js'), 'console.log("renfort");\n');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stdout matches, rejects if the process ends first or after `timeoutMs`. */
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<void>;
  exit: Promise<number | null>;
}

function npmStart(args: string[], env: Record<string, string>): Run {
  const child = spawn('npm', ['start', ...(args.length > 0 ? ['--', ...args] : [])], {
    cwd: repoRoot,
    env: { ...process.env, RENFORT_CONSOLE_DIST: dist, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void exit.then(() => {
      ended = true;
    });
    while (!pattern.test(out)) {
      if (ended) throw new Error(`npm start ended before ${pattern}:\n${out}\n${err}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}\n${err}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, stdout: () => out, stderr: () => err, waitFor, exit };
}

/** Every process whose environment names this data folder: all that npm start started, at any depth. */
/** The process running infra/local/start.ts under npm, tsx's launcher and the shell. */
function startProcessOf(dataDir: string): number {
  const pid = startProcess(dataDir);
  if (!pid) throw new Error('no start.ts process');
  return pid;
}

async function tokenFor(base: string, email: string): Promise<string> {
  const res = await fetch(`${base}/_local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function demoCases(base: string): Promise<Record<string, string[]>> {
  const byCentre: Record<string, string[]> = {};
  for (const email of ['ca.tilleuls@example.org', 'direction@fed-ifac.example.org']) {
    const token = await tokenFor(base, email);
    const res = await fetch(`${base}/cases?limit=100`, { headers: { authorization: `Bearer ${token}` } });
    const { items } = (await res.json()) as {
      items: { centreId: string; status: string; fiche: { signesAlerte?: string } }[];
    };
    for (const c of items.filter((i) => i.fiche.signesAlerte?.startsWith(DEMO_MARK))) {
      byCentre[c.centreId] = [...(byCentre[c.centreId] ?? []), c.status].sort();
    }
  }
  return byCentre;
}

/** One sentence on stderr, no stack trace anywhere. */
function expectOneSentence(run: Run, pattern: RegExp) {
  const said = run.stderr().trim();
  expect(said).toMatch(pattern);
  expect(said.split('\n'), said).toHaveLength(1);
  expect(`${run.stdout()}${run.stderr()}`).not.toMatch(/^\s+at /m);
}

describe('npm start', () => {
  const dataDir = join(scratch, 'data');

  it('prints the console first, adds the demo cases in every status, and stops entirely on a SIGTERM to npm alone', async () => {
    const ports = await freeStartPorts();
    const run = npmStart(['--demo'], { ...ports, RENFORT_DATA_DIR: dataDir });
    try {
      await run.waitFor(/Ctrl-C stops everything/, 90_000);
      const base = `http://localhost:${ports.PORT}`;
      const banner = run.stdout().slice(run.stdout().indexOf('\nConsole: '));
      expect(banner.split('\n')[1]).toMatch(new RegExp(`^Console: ${base}/ `));
      expect(banner.indexOf('Console: ')).toBeLessThan(banner.indexOf('Renfort is running locally'));
      expect(banner).toMatch(/Demo cases +20 cases created \(0 already there\)/);

      const page = await fetch(`${base}/dossiers/c-01jq8v2k3m4n5p6q7r8s9t0v1w`, {
        headers: { accept: 'text/html' },
      });
      expect(await page.text()).toBe(INDEX);
      expect(page.headers.get('content-security-policy')).toContain(
        `connect-src 'self' http://127.0.0.1:${ports.S3_PORT};`,
      );
      expect(await (await fetch(`${base}/config.json`)).json()).toMatchObject({ auth: 'local' });

      const statuses = [...DEMO_STATUSES].sort();
      expect(await demoCases(base)).toEqual({ 'cs-tilleuls': statuses, 'cs-mistral': statuses });
      expect(processesOf(dataDir).length).toBeGreaterThanOrEqual(6);
    } finally {
      // npm's pid alone, as `kill <pid>` from another terminal would.
      process.kill(run.child.pid as number, 'SIGTERM');
    }
    // Within a few seconds: about 1 s on an idle machine, the poll of the ancestors included.
    await allGone(dataDir, ports, 10_000);
  }, 120_000);

  it('adds nothing with --demo once the demo cases exist, and stops entirely on a SIGTERM to its node process', async () => {
    const ports = await freeStartPorts();
    const run = npmStart(['--demo'], { ...ports, RENFORT_DATA_DIR: dataDir });
    try {
      await run.waitFor(/Ctrl-C stops everything/, 60_000);
      expect(run.stdout()).toMatch(/Demo cases +already there \(20 cases\): nothing added/);
      const statuses = [...DEMO_STATUSES].sort();
      expect(await demoCases(`http://localhost:${ports.PORT}`)).toEqual({
        'cs-tilleuls': statuses,
        'cs-mistral': statuses,
      });
    } finally {
      process.kill(startProcessOf(dataDir), 'SIGTERM');
    }
    expect(await run.exit).toBe(0);
    await allGone(dataDir, ports, 10_000);
  }, 90_000);

  it('names a busy port and the variable that chooses another, exits 1, and starts nothing', async () => {
    const ports = await freeStartPorts();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(Number(ports.DYNAMODB_PORT), '127.0.0.1', resolve));
    const busyData = join(scratch, 'busy');
    try {
      const run = npmStart([], { ...ports, RENFORT_DATA_DIR: busyData });
      expect(await run.exit).toBe(1);
      expectOneSentence(
        run,
        new RegExp(
          `^Port ${ports.DYNAMODB_PORT} \\(DynamoDB Local\\) is already in use, perhaps by another npm start: stop that, or choose another port, e\\.g\\. DYNAMODB_PORT=${Number(ports.DYNAMODB_PORT) + 1} npm start\\.$`,
        ),
      );
      expect(processesOf(busyData)).toEqual([]);
      expect(await busyPorts(ports)).toEqual(['DYNAMODB_PORT']);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, 30_000);

  it('says Java is too old in one sentence, and exits 1', async () => {
    const bin = join(scratch, 'old-java');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'java'), '#!/bin/sh\necho \'openjdk version "11.0.2" 2019-01-15\' >&2\n');
    chmodSync(join(bin, 'java'), 0o755);
    const run = npmStart([], {
      ...(await freeStartPorts()),
      RENFORT_DATA_DIR: join(scratch, 'old-java-data'),
      PATH: `${bin}:${process.env.PATH}`,
    });
    expect(await run.exit).toBe(1);
    expectOneSentence(
      run,
      /^Renfort needs Java 17 or later for DynamoDB Local \(found Java 11\): install Java 17 or later .* and run npm start again\.$/,
    );
  }, 30_000);

  it('leaves nothing running when the start fails once the emulators are up', async () => {
    const ports = await freeStartPorts();
    const broken = join(scratch, 'broken');
    // A user pool file that is not JSON: cognito-local dies while the others are starting.
    mkdirSync(join(broken, 'cognito', '.cognito', 'db'), { recursive: true });
    writeFileSync(join(broken, 'cognito', '.cognito', 'db', 'clients.json'), '{not json');
    const run = npmStart([], { ...ports, RENFORT_DATA_DIR: broken });
    expect(await run.exit).toBe(1);
    expectOneSentence(
      run,
      /^The local stack could not start \(.*cognito-local exited.*\); nothing is left running: /,
    );
    await allGone(broken, ports, 10_000);
  }, 60_000);
});
