import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { build, type Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { bundlingOf, esbuildOptionsOf, functionEntries } from '../../../infra/stacks/bundling.ts';
import { RenfortStack } from '../../../infra/stacks/renfort-stack.ts';
import { routeList } from '../../../shared/http/routes.ts';
import {
  bundleOutput,
  DYNAMODB,
  floorClients,
  floorKey,
  floorSource,
  median,
  packageOf,
  requiredSource,
  sdkClientsOf,
  shuffled,
  sourceBuildOptions,
  unknownClients,
} from '../../bench/bundles.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'renfort-bundles-test-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A metafile of one bundle and its map, from `path: bytesInOutput`. */
const metafileOf = (inputs: Record<string, number>): Metafile => ({
  inputs: {},
  outputs: {
    'out/index.mjs': {
      bytes: 1,
      imports: [],
      exports: ['handler'],
      inputs: Object.fromEntries(Object.entries(inputs).map(([path, n]) => [path, { bytesInOutput: n }])),
    },
    'out/index.mjs.map': {
      bytes: 1,
      imports: [],
      exports: [],
      inputs: {},
    },
  },
});

describe('the bundle bench’s helpers', () => {
  it('finds the SDK clients in a metafile by their innermost package, bytes in the output only', () => {
    const metafile = metafileOf({
      'functions/api/x.ts': 500,
      'node_modules/@aws-sdk/client-dynamodb/dist-cjs/index.js': 90_000,
      'node_modules/@aws-sdk/lib-dynamodb/dist-cjs/index.js': 16_000,
      'node_modules/@aws-sdk/s3-request-presigner/dist-cjs/index.js': 3_000,
      // Nested: the file is client-s3's, under the presigner's node_modules.
      'node_modules/@aws-sdk/s3-presigned-post/node_modules/@aws-sdk/client-s3/dist-cjs/index.js': 200_000,
      // Imported but tree-shaken away (a type, an unused error class): not in the bundle.
      'node_modules/@aws-sdk/client-ses/dist-cjs/index.js': 0,
      'node_modules/@aws-sdk/nested-clients/dist-cjs/submodules/sts/index.js': 60_000,
      'node_modules/@aws-sdk/credential-provider-node/dist-cjs/index.js': 3_000,
    });
    expect(sdkClientsOf(metafile)).toEqual([
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-s3',
      '@aws-sdk/s3-request-presigner',
    ]);
    expect(packageOf('node_modules/@aws-sdk/s3-presigned-post/node_modules/@aws-sdk/client-s3/x.js')).toBe(
      '@aws-sdk/client-s3',
    );
    expect(packageOf('node_modules/zod/v4/core/core.js')).toBe('zod');
    expect(packageOf('shared/config.ts')).toBeUndefined();
  });

  it('reads the bundle, not its source map, and refuses a metafile with several bundles', () => {
    const two = metafileOf({});
    two.outputs['other/index.mjs'] = { bytes: 1, imports: [], exports: [], inputs: {} };
    expect(() => sdkClientsOf(two)).toThrow(/expected one bundle/);
  });

  it('compares a function with the floor of its own clients, the presigners bringing S3', () => {
    expect(floorClients(['@aws-sdk/s3-presigned-post', DYNAMODB])).toEqual([
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-s3',
      '@aws-sdk/s3-presigned-post',
    ]);
    expect(floorKey(floorClients([DYNAMODB, '@aws-sdk/client-ses']))).toBe('dynamodb+ses');
    expect(floorKey([])).toBe('none');
    expect(unknownClients([DYNAMODB, '@aws-sdk/client-sqs'])).toEqual(['@aws-sdk/client-sqs']);
  });

  it('takes medians and shuffles without losing or repeating a bundle', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    const items = Array.from({ length: 20 }, (_, i) => i);
    const order = shuffled(items);
    expect([...order].sort((a, b) => a - b)).toEqual(items);
    expect(items).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('the bundle bench’s builds', () => {
  it('builds a floor holding exactly its clients, each created and called', { timeout: 20_000 }, async () => {
    const all = floorClients([
      DYNAMODB,
      '@aws-sdk/client-cognito-identity-provider',
      '@aws-sdk/client-ses',
      '@aws-sdk/s3-presigned-post',
      '@aws-sdk/s3-request-presigner',
    ]);
    for (const clients of [[DYNAMODB], all]) {
      const { metafile } = await build({
        ...sourceBuildOptions(bundlingOf(repoRoot), repoRoot, {
          name: 'floor',
          contents: floorSource(clients),
          outdir: tempDir(),
        }),
        write: false,
      });
      expect(sdkClientsOf(metafile)).toEqual(clients);
    }
  });

  it('builds the required reference from the DynamoDB floor, the required libraries and the machine alone', {
    timeout: 20_000,
  }, async () => {
    const { metafile } = await build({
      ...sourceBuildOptions(bundlingOf(repoRoot), repoRoot, {
        name: 'required',
        contents: requiredSource(),
        outdir: tempDir(),
      }),
      write: false,
    });
    expect(sdkClientsOf(metafile)).toEqual([DYNAMODB]);
    const used = Object.entries(bundleOutput(metafile).inputs).filter(([, input]) => input.bytesInOutput > 0);
    const packages = new Set(used.map(([path]) => packageOf(path)));
    for (const required of ['@aws-lambda-powertools/logger', '@middy/core', 'xstate', 'zod']) {
      expect(packages, required).toContain(required);
    }
    // Of our code, only the machine and what it and the event schemas import: no store, no HTTP.
    const ours = used.map(([path]) => path).filter((path) => !path.includes('node_modules'));
    expect(ours).toContain('workflows/case.machine.ts');
    expect(ours.filter((path) => /^shared\/(store|http|cases|access)\//.test(path))).toEqual([]);
  });

  it('bundles with esbuild exactly as NodejsFunction does with the stack’s settings', {
    timeout: 20_000,
  }, async () => {
    const entry = join(import.meta.dirname, 'fixture.handler.ts');
    const cdkOut = tempDir();
    const stack = new Stack(new App({ outdir: cdkOut }), 'BundlingCheck');
    new NodejsFunction(stack, 'Fn', {
      entry,
      runtime: Runtime.NODEJS_22_X,
      projectRoot: repoRoot,
      depsLockFilePath: join(repoRoot, 'package-lock.json'),
      bundling: bundlingOf(repoRoot),
    });
    const asset = readdirSync(cdkOut).find((name) => name.startsWith('asset.'));
    expect(asset).toBeDefined();
    const byCdk = readFileSync(join(cdkOut, asset as string, 'index.mjs'));

    const options = esbuildOptionsOf(bundlingOf(repoRoot), {
      entry,
      outdir: tempDir(),
      projectRoot: repoRoot,
    });
    const result = await build(options);
    expect(readFileSync(options.outfile).equals(byCdk)).toBe(true);
    expect(sdkClientsOf(result.metafile)).toEqual([DYNAMODB]);
  });

  it('refuses a bundling setting it cannot translate rather than measure something else', () => {
    const bundling = { ...bundlingOf(repoRoot), esbuildArgs: { '--tree-shaking': 'false' } };
    expect(() => esbuildOptionsOf(bundling, { entry: 'x.ts', outdir: 'out', projectRoot: repoRoot })).toThrow(
      /esbuildArgs/,
    );
  });

  it('lists exactly the functions the stack creates', { timeout: 20_000 }, () => {
    const app = new App({ outdir: tempDir(), context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new RenfortStack(app, 'Renfort', {
      routes: routeList,
      repoRoot,
      mailDomain: 'renfort.example.org',
      cursorSecret: 'test-cursor-secret-0123456789',
      allowedOrigins: [],
      console: { distDir: join(tmpdir(), 'renfort-no-console-build') },
    });
    const created = stack.node
      .findAll()
      .filter((c) => c instanceof NodejsFunction)
      .map((c) => c.node.id.replace(/^Fn-/, ''));
    const listed = functionEntries(routeList, repoRoot, tempDir()).map((f) => f.name);
    expect(listed.sort()).toEqual(created.sort());
  });
});
