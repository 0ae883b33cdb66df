import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlingOf, esbuildOptionsOf, functionEntries } from '../../infra/stacks/bundling.ts';
import { routeList } from '../../shared/http/routes.ts';
import { bundleOutput, packageOf, sdkClientsOf } from '../bench/bundles.ts';

/**
 * What each function of the stack carries, bundled with the stack's own settings: only what its
 * routes use (the figures are test/bench/bundles.ts's; these are the lines not to cross again).
 */
const repoRoot = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'renfort-function-bundles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Bundle {
  clients: string[];
  packages: Set<string>;
  files: Set<string>;
  /** The bundle itself, for the names its classes keep (zod's schema classes are named by a string). */
  code: string;
}
const bundles = new Map<string, Bundle>();

beforeAll(async () => {
  const entries = functionEntries(routeList, repoRoot, join(dir, 'entries'));
  await Promise.all(
    entries.map(async ({ name, entry }) => {
      const options = esbuildOptionsOf(bundlingOf(repoRoot), {
        entry,
        outdir: join(dir, name),
        projectRoot: repoRoot,
      });
      const { metafile, outputFiles } = await build({ ...options, write: false });
      const used = Object.entries(bundleOutput(metafile).inputs).filter(([, i]) => i.bytesInOutput > 0);
      bundles.set(name, {
        clients: sdkClientsOf(metafile),
        packages: new Set(used.map(([path]) => packageOf(path)).filter((p) => p !== undefined)),
        files: new Set(used.map(([path]) => path).filter((path) => !path.includes('node_modules'))),
        code: outputFiles.find((file) => file.path.endsWith('.mjs'))?.text ?? '',
      });
    }),
  );
}, 120_000);

const of = (name: string) => bundles.get(name) as Bundle;

describe('the functions’ bundles', () => {
  it('build the OpenAPI document in none: it is docs/openapi.json, served as a file', () => {
    for (const [name, bundle] of bundles) {
      expect(bundle.packages.has('zod-openapi'), name).toBe(false);
      expect(bundle.files.has('shared/http/route-docs.ts'), name).toBe(false);
      expect(bundle.files.has('shared/http/openapi.ts'), name).toBe(false);
    }
    expect(of('public').files).toContain('docs/openapi.json');
  });

  it('give the public routes and the fallback no SDK client, and the fallback no schema of the table', () => {
    expect(of('public').clients).toEqual([]);
    expect(of('fallback').clients).toEqual([]);
    expect(of('fallback').packages.has('zod')).toBe(false);
    expect(of('fallback').files.has('shared/http/routes.ts')).toBe(false);
  });

  it('give each SDK client only to the functions whose routes use it', () => {
    const holders = (client: string) =>
      [...bundles].filter(([, bundle]) => bundle.clients.includes(client)).map(([name]) => name);
    expect(holders('@aws-sdk/client-s3')).toEqual(['documents']);
    expect(holders('@aws-sdk/client-cognito-identity-provider')).toEqual(['admin']);
    expect(holders('@aws-sdk/client-ses').sort()).toEqual(['mail-daily-job', 'mail-dispatch', 'mail-sweep']);
  });

  it('carry the request schemas of their own routes only (the fiche and the events: cases)', () => {
    for (const file of ['workflows/case-events.schema.ts', 'shared/domain/fiche.schema.ts']) {
      const holders = [...bundles].filter(([, bundle]) => bundle.files.has(file)).map(([name]) => name);
      expect(holders, file).toEqual(['cases']);
    }
  });

  it('leave out the state machine where no route runs it', () => {
    const withMachine = [...bundles]
      .filter(([, bundle]) => bundle.packages.has('xstate'))
      .map(([name]) => name);
    expect(withMachine).toEqual(['cases']);
  });

  it('leave the documents’ records and the mail log to the functions that read them', () => {
    const holders = (file: string) =>
      [...bundles].filter(([, bundle]) => bundle.files.has(file)).map(([name]) => name);
    expect(holders('shared/store/document-repository.ts')).toEqual(['documents']);
    expect(holders('shared/store/mail-repository.ts').sort()).toEqual([
      'documents',
      'mail-bounce',
      'mail-daily-job',
      'mail-dispatch',
      'mail-sweep',
    ]);
  });

  it('keep none of zod’s ISO formats and coercions that no schema uses (its namespaces keep them all)', () => {
    for (const [name, bundle] of bundles) {
      expect(bundle.code.length, name).toBeGreaterThan(0);
      for (const unused of ['$ZodISODuration', '$ZodISOTime', '$ZodBigInt', '$ZodDate"']) {
        expect(bundle.code.includes(unused), `${name}: ${unused}`).toBe(false);
      }
    }
    expect(of('cases').code).toContain('"$ZodISODate"');
  });
});
