import { type SpawnSyncReturns, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, ancestors, watchAncestors, watchedAncestors } from '../../../../infra/local/ancestors.ts';
import { consoleBuildState } from '../../../../infra/local/build-console.ts';
import { DEMO_STATUSES, demoRapportPdf } from '../../../../infra/local/demo.ts';
import {
  javaMajor,
  javaProblem,
  nodeProblem,
  portFrom,
  portsProblem,
} from '../../../../infra/local/prerequisites.ts';
import { freePort } from '../../../../infra/local/processes.ts';
import { CASE_STATUSES } from '../../../../shared/domain/statuses.ts';

/** What `npm start` checks before it starts anything, and what it watches while it runs. */

describe('Node', () => {
  it.each(['20.19.0', '20.20.2', '22.12.0', '24.1.0', 'v21.0.0'])('%s is enough', (version) => {
    expect(nodeProblem(version)).toBeUndefined();
  });

  it.each([
    ['20.18.3', 'v20.18.3'],
    ['v18.20.4', 'v18.20.4'],
    ['19.9.0', 'v19.9.0'],
  ])('%s gets one sentence saying what to do', (version, shown) => {
    expect(nodeProblem(version)).toBe(
      `Renfort needs Node 20.19 or later (found ${shown}): install it and run npm start again.`,
    );
  });
});

describe('Java', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_292"', 8],
    ['openjdk version "11.0.2" 2019-01-15', 11],
    ['nonsense', undefined],
  ])('reads the major version of %s', (output, major) => {
    expect(javaMajor(output)).toBe(major);
  });

  const ran =
    (stderr: string, status = 0, error?: Error) =>
    () =>
      ({ stderr, stdout: '', status, error }) as SpawnSyncReturns<string>;

  it('lets Java 17 and later through', () => {
    expect(javaProblem(ran('openjdk version "17.0.15" 2025-04-15'))).toBeUndefined();
  });

  it('names an old Java and says how to install a newer one', () => {
    const sentence = javaProblem(ran('java version "1.8.0_292"'));
    expect(sentence).toMatch(/^Renfort needs Java 17 or later for DynamoDB Local \(found Java 8\): install/);
    expect(sentence).toContain('run npm start again.');
  });

  it('says so when there is no java at all', () => {
    const sentence = javaProblem(
      ran('', -1, Object.assign(new Error('spawnSync java ENOENT'), { code: 'ENOENT' })),
    );
    expect(sentence).toMatch(/no java command works here: install Java 17 or later/);
    expect(sentence?.split(/(?<=\.) /)).toHaveLength(1);
  });
});

describe('ports', () => {
  it('takes a port from the environment, its default when unset, and a sentence for anything else', () => {
    expect(portFrom({}, 'PORT', 3000)).toBe(3000);
    expect(portFrom({ PORT: '' }, 'PORT', 3000)).toBe(3000);
    expect(portFrom({ PORT: '3100' }, 'PORT', 3000)).toBe(3100);
    for (const bad of ['abc', '0', '70000', '30.5', '-1']) {
      expect(portFrom({ S3_PORT: bad }, 'S3_PORT', 4569)).toBe(
        `S3_PORT must be a port number from 1 to 65535 (found "${bad}"): set it to a free port, or unset it, and run npm start again.`,
      );
    }
  });

  it('names the busy port, and the variable that chooses another', async () => {
    const [free, taken] = await Promise.all([freePort(), freePort()]);
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(taken, '127.0.0.1', resolve));
    try {
      const uses = [
        { name: 'the API and the console', port: free, variable: 'PORT' },
        { name: 'DynamoDB Local', port: taken, variable: 'DYNAMODB_PORT' },
      ];
      expect(await portsProblem(uses)).toBe(
        `Port ${taken} (DynamoDB Local) is already in use, perhaps by another npm start: stop that, or choose another port, e.g. DYNAMODB_PORT=${taken + 1} npm start.`,
      );
      expect(await portsProblem([uses[0] as (typeof uses)[0]])).toBeUndefined();
      const both = await portsProblem([
        { name: 'the API and the console', port: taken, variable: 'PORT' },
        { name: 'DynamoDB Local', port: taken, variable: 'DYNAMODB_PORT' },
      ]);
      expect(both).toMatch(
        /^Ports \d+ \(the API and the console\), \d+ \(DynamoDB Local\) are already in use/,
      );
      expect(both).toContain('with PORT, DYNAMODB_PORT');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});

describe('the console’s build', () => {
  const root = mkdtempSync(join(tmpdir(), 'renfort-build-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const at = (path: string, seconds: number) => {
    const when = new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
    utimesSync(join(root, path), when, when);
  };

  it('is skipped without a web/ folder, done when never built, redone when a source is newer', () => {
    expect(consoleBuildState(root).state).toBe('no-console');
    mkdirSync(join(root, 'web', 'src', 'routes'), { recursive: true });
    mkdirSync(join(root, 'shared', 'domain'), { recursive: true });
    writeFileSync(join(root, 'web', 'index.html'), '<!doctype html>');
    writeFileSync(join(root, 'web', 'vite.config.ts'), 'export default {}');
    writeFileSync(join(root, 'web', 'src', 'routes', 'case.tsx'), 'export {}');
    writeFileSync(join(root, 'shared', 'domain', 'fiche.schema.ts'), 'export {}');
    expect(consoleBuildState(root)).toEqual({ state: 'stale', reason: 'not built yet' });

    mkdirSync(join(root, 'web', 'dist'));
    writeFileSync(join(root, 'web', 'dist', 'index.html'), '<!doctype html>');
    for (const path of [
      'web',
      'web/src',
      'web/src/routes',
      'web/src/routes/case.tsx',
      'web/index.html',
      'web/vite.config.ts',
      'shared',
      'shared/domain',
      'shared/domain/fiche.schema.ts',
    ])
      at(path, 0);
    at('web/dist/index.html', 10);
    expect(consoleBuildState(root)).toEqual({ state: 'fresh' });

    at('web/src/routes/case.tsx', 20);
    expect(consoleBuildState(root)).toEqual({
      state: 'stale',
      reason: 'web/src/routes/case.tsx changed since the last build',
    });
    at('web/src/routes/case.tsx', 0);
    at('web/vite.config.ts', 20);
    expect(consoleBuildState(root)).toMatchObject({ state: 'stale' });
    at('web/vite.config.ts', 0);
    at('shared/domain/fiche.schema.ts', 20);
    expect(consoleBuildState(root)).toMatchObject({ state: 'stale' });
    at('shared/domain/fiche.schema.ts', 0);
    // What the build writes never calls for another build.
    at('web/dist', 30);
    expect(consoleBuildState(root)).toEqual({ state: 'fresh' });
  });
});

describe('the ancestors of npm start', () => {
  it('are this process’s parent and the ones above it, alive', () => {
    const chain = ancestors();
    expect(chain[0]?.pid).toBe(process.ppid);
    expect(chain.every((a) => a.pid > 1 && alive(a))).toBe(true);
  });

  it('are watched up to npm, npm included, and no further', () => {
    const all = ancestors();
    const watched = watchedAncestors();
    expect(watched.length).toBeGreaterThan(0);
    expect(all.slice(0, watched.length)).toEqual(watched);
    const last = watched.at(-1);
    const npmAbove = all.some((a) => a.name === 'npm' || a.name?.startsWith('npm '));
    if (npmAbove) expect(last?.name).toMatch(/^npm( |$)/);
    else expect(watched.length).toBeLessThanOrEqual(2);
  });

  it('are watched: the death of one is seen within one poll', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const [ancestor] = ancestors(process.pid).slice(0, 1);
    const watched = { pid: child.pid as number };
    expect(alive(watched)).toBe(true);
    expect(ancestor && alive(ancestor)).toBe(true);
    const seen = new Promise<number>((resolve) => {
      watchAncestors((dead) => resolve(dead.pid), { intervalMs: 50, chain: [watched] });
    });
    const killedAt = performance.now();
    child.kill('SIGKILL');
    expect(await seen).toBe(child.pid);
    expect(performance.now() - killedAt).toBeLessThan(1000);
    expect(alive(watched)).toBe(false);
  });

  it('are not confused with a later process that got the same pid', () => {
    const [parent] = ancestors();
    expect(alive({ pid: parent?.pid as number, started: '1' })).toBe(false);
  });
});

describe('the demo', () => {
  it('covers every status of the workflow', () => {
    expect([...DEMO_STATUSES].sort()).toEqual([...CASE_STATUSES].sort());
  });

  it('uploads a well-formed PDF as its rapport', () => {
    const pdf = demoRapportPdf('Rapport de diagnostic flash');
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-1.7\n')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    const startxref = Number(/startxref\n(\d+)/.exec(text)?.[1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const offsets = [...text.matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((offset, i) => {
      expect(text.slice(offset).startsWith(`${i + 1} 0 obj`)).toBe(true);
    });
  });
});
