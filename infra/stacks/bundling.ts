import { join } from 'node:path';
import { type BundlingOptions, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import type { RouteSpec } from '../../shared/http/routes.ts';
import { writeFallbackEntry, writeGroupEntries } from './group-entries.ts';

/** The mail functions (DESIGN.md §7), each `functions/mail/<name>.handler.ts`, named `mail-<name>` in the stack. */
export const MAIL_FUNCTIONS = ['dispatch', 'sweep', 'daily-job', 'bounce'] as const;
export type MailFunction = (typeof MAIL_FUNCTIONS)[number];

/**
 * How every function of the stack is bundled (NodejsFunction's `bundling`). The bench builds
 * with the same settings through `esbuildOptionsOf`, so change them here and nowhere else.
 */
export function bundlingOf(repoRoot: string): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: 'node22',
    minify: true,
    sourceMap: true,
    // Stack traces map to the sources' files and lines without carrying the sources themselves: a
    // third of the map's bytes, and less for Node to read at start with --enable-source-maps.
    sourcesContent: false,
    // The SDK is bundled at the versions the tests ran with, not the runtime's.
    externalModules: [],
    tsconfig: join(repoRoot, 'tsconfig.json'),
    // The SDK's ESM builds (its `module` field), as bundlers are meant to take them with format ESM:
    // the DynamoDB client alone weighs 340 KB instead of its CJS build's 541 KB. Unset, NodejsFunction
    // passes no --main-fields and esbuild takes `main` first on the node platform.
    mainFields: ['module', 'main'],
    banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  };
}

/** The settings `esbuildOptionsOf` knows NodejsFunction's translation of (aws-cdk-lib's `buildEsbuildArgs`). */
const TRANSLATED = new Set<string>([
  'target',
  'format',
  'minify',
  'sourceMap',
  'sourceMapMode',
  'sourcesContent',
  'externalModules',
  'loader',
  'define',
  'logLevel',
  'keepNames',
  'tsconfig',
  'metafile',
  'banner',
  'footer',
  'mainFields',
  'inject',
  // Where the asset comes from, not what esbuild does.
  'assetHash',
  'bundlingFileAccess',
]);

/**
 * The esbuild `build()` options NodejsFunction's command line amounts to for these settings
 * (`esbuild --bundle <entry> --platform=node --outfile=<outdir>/index.mjs …` run in the project
 * root, aws-cdk-lib 2.x), with a metafile. A setting it cannot translate (esbuildArgs, hooks, nodeModules, Docker…) is an
 * error rather than a bench measuring something else than what is deployed.
 */
export function esbuildOptionsOf(
  bundling: BundlingOptions,
  { entry, outdir, projectRoot }: { entry: string; outdir: string; projectRoot: string },
): BuildOptions & { outfile: string; metafile: true } {
  const untranslated = Object.entries(bundling)
    .filter(([key, value]) => value !== undefined && !TRANSLATED.has(key))
    .map(([key]) => key);
  if (untranslated.length > 0) {
    throw new Error(`esbuildOptionsOf: no esbuild equivalent known for ${untranslated.join(', ')}`);
  }
  // NodejsFunction's defaults need the runtime (target) or the feature flags (externals): be explicit.
  if (bundling.target === undefined) throw new Error('esbuildOptionsOf: set bundling.target');
  if (bundling.externalModules === undefined)
    throw new Error('esbuildOptionsOf: set bundling.externalModules');
  if (bundling.sourceMap === false && bundling.sourceMapMode) {
    throw new Error('sourceMapMode cannot be used when sourceMap is false');
  }
  const sourceMapMode = bundling.sourceMapMode ?? (bundling.sourceMap ? SourceMapMode.DEFAULT : undefined);
  return {
    entryPoints: [entry],
    absWorkingDir: projectRoot,
    bundle: true,
    outfile: join(outdir, bundling.format === OutputFormat.ESM ? 'index.mjs' : 'index.js'),
    platform: 'node',
    target: bundling.target,
    ...(bundling.format && { format: bundling.format }),
    ...(bundling.minify && { minify: true }),
    ...(sourceMapMode && { sourcemap: sourceMapMode === SourceMapMode.DEFAULT ? true : sourceMapMode }),
    ...(bundling.sourcesContent === false && { sourcesContent: false }),
    external: bundling.externalModules,
    ...(bundling.loader && { loader: bundling.loader as BuildOptions['loader'] }),
    ...(bundling.define && { define: bundling.define }),
    logLevel: bundling.logLevel ?? 'warning',
    ...(bundling.keepNames && { keepNames: true }),
    ...(bundling.tsconfig && { tsconfig: bundling.tsconfig }),
    ...(bundling.banner && { banner: { js: bundling.banner } }),
    ...(bundling.footer && { footer: { js: bundling.footer } }),
    // Unset, esbuild's default for the node platform: main, then module.
    ...(bundling.mainFields && { mainFields: bundling.mainFields }),
    ...(bundling.inject && { inject: bundling.inject }),
    metafile: true,
  };
}

/** Where the stack writes the generated entries of the route groups (`cdk.out`, ignored by git). */
export const stackEntriesDir = (repoRoot: string) => join(repoRoot, 'cdk.out', 'entries');

export const mailEntry = (repoRoot: string, name: MailFunction) =>
  join(repoRoot, `functions/mail/${name}.handler.ts`);

export interface FunctionEntry {
  /** The stack's name of the function (its construct is `Fn-<name>`). */
  name: string;
  entry: string;
  kind: 'api' | 'mail';
}

/**
 * Every function of the stack: one per route group and the fallback (entries written into
 * `entriesDir`), the mail functions.
 */
export function functionEntries(routes: RouteSpec[], repoRoot: string, entriesDir: string): FunctionEntry[] {
  const groups = writeGroupEntries(routes, repoRoot, entriesDir);
  return [
    ...[...groups].map(([name, entry]) => ({ name, entry, kind: 'api' as const })),
    { name: 'fallback', entry: writeFallbackEntry(routes, repoRoot, entriesDir), kind: 'api' },
    ...MAIL_FUNCTIONS.map((name) => ({
      name: `mail-${name}`,
      entry: mailEntry(repoRoot, name),
      kind: 'mail' as const,
    })),
  ];
}
