import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, build, version as esbuildVersion, type Metafile } from 'esbuild';
import { bundlingOf, esbuildOptionsOf, functionEntries } from '../../infra/stacks/bundling.ts';
import { routeList } from '../../shared/http/routes.ts';
import { table } from './stats.ts';

/**
 * `tsx test/bench/bundles.ts [--runs N] [--main-fields module,main] [--json]`: each function of
 * the stack bundled as NodejsFunction bundles it (infra/stacks/bundling.ts), its size, the AWS SDK
 * clients in it, and its cold import, against "floor" bundles built with the same settings that
 * hold only those SDK clients: what is above the floor is our code and our dependencies.
 *
 * Cold import: one fresh `node` per sample, timing `await import(bundle)` alone, with the
 * environment and NODE_OPTIONS the stack gives a function; each round imports every bundle and
 * every floor once, in a shuffled order, after one unrecorded warm-up round; medians.
 * Everything is built into a temporary directory, removed at the end; nothing is written to the tree.
 */

const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** Targets: bytes above the floor of the function's own SDK clients, cold import over the DynamoDB-only floor. */
export const TARGETS = { overFloorBytes: 150 * 1024, importRatio: 1.25 } as const;

/** The SDK packages a floor reproduces; the presigners are S3 features, each with its own call. */
export const DYNAMODB = '@aws-sdk/client-dynamodb';
const KNOWN_SDK = [
  '@aws-sdk/client-cognito-identity-provider',
  DYNAMODB,
  '@aws-sdk/client-s3',
  '@aws-sdk/client-ses',
  '@aws-sdk/s3-presigned-post',
  '@aws-sdk/s3-request-presigner',
];
const SDK_PACKAGE = /^@aws-sdk\/(?:client-[^/]+|s3-presigned-post|s3-request-presigner)$/;

/** What the stack sets for every function (TABLE_NAME… are resources there); enough for shared/config.ts. */
export const IMPORT_ENVIRONMENT: Record<string, string> = {
  TABLE_NAME: 'renfort-bench',
  BUCKET_NAME: 'renfort-bench',
  MAIL_FROM: 'ne-pas-repondre@renfort.example.org',
  AWS_REGION: 'eu-west-3',
  CURSOR_SECRET: 'renfort-bench-cursor-secret',
  USER_POOL_ID: 'eu-west-3_bench',
  APP_URL: 'https://renfort.example.org',
  MAIL_CONTACT: 'coordination@caf13.example.org',
  TENANTS: 'caf13',
  SES_CONFIGURATION_SET: 'renfort-bench',
  POWERTOOLS_SERVICE_NAME: 'renfort',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // As the stack's functions run: Node reads each bundle's source map when it loads it.
  NODE_OPTIONS: '--enable-source-maps',
};

// ----- Pure helpers (test/unit/bench/bundles.test.ts) -----

/** The package a bundled file belongs to: the innermost `node_modules/<package>` of its path. */
export function packageOf(path: string): string | undefined {
  const matches = [...path.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
  return matches.at(-1)?.[1];
}

/** The output of a metafile that is the bundle (not its source map). */
export function bundleOutput(metafile: Metafile): Metafile['outputs'][string] {
  const bundles = Object.entries(metafile.outputs).filter(([path]) => /\.[cm]?js$/.test(path));
  if (bundles.length !== 1) {
    throw new Error(
      `expected one bundle in the metafile, found ${bundles.map(([p]) => p).join(', ') || 'none'}`,
    );
  }
  return (bundles[0] as [string, Metafile['outputs'][string]])[1];
}

/**
 * The AWS SDK clients (and S3 presigners) a bundle contains: packages `@aws-sdk/client-*`,
 * `s3-presigned-post`, `s3-request-presigner` with at least one byte in the output (an import
 * tree-shaken away, or a type-only one, brings nothing). Sorted.
 */
export function sdkClientsOf(metafile: Metafile): string[] {
  const bytes = new Map<string, number>();
  for (const [path, input] of Object.entries(bundleOutput(metafile).inputs)) {
    const pkg = packageOf(path);
    if (pkg && SDK_PACKAGE.test(pkg)) bytes.set(pkg, (bytes.get(pkg) ?? 0) + input.bytesInOutput);
  }
  return [...bytes]
    .filter(([, n]) => n > 0)
    .map(([pkg]) => pkg)
    .sort();
}

/** The floor a function is compared with: its SDK clients, the presigners bringing S3 with them. */
export function floorClients(clients: string[]): string[] {
  const set = new Set(clients);
  if (set.has('@aws-sdk/s3-presigned-post') || set.has('@aws-sdk/s3-request-presigner')) {
    set.add('@aws-sdk/client-s3');
  }
  return [...set].sort();
}

export const floorKey = (clients: string[]) =>
  clients.length === 0 ? 'none' : clients.map(shortName).join('+');

/** `dynamodb`, `s3`, `s3-post`, `s3-presign`, `cognito-idp`… */
export function shortName(pkg: string): string {
  const name = pkg.replace(/^@aws-sdk\//, '');
  if (name === 's3-presigned-post') return 's3-post';
  if (name === 's3-request-presigner') return 's3-presign';
  if (name === 'client-cognito-identity-provider') return 'cognito-idp';
  return name.replace(/^client-/, '');
}

/** Clients no floor recipe exists for: their bytes count as the function's own (said in the table). */
export const unknownClients = (clients: string[]) => clients.filter((c) => !KNOWN_SDK.includes(c));

/**
 * The floor module of these clients: each client created at module scope, as a handler does,
 * and a handler sending one command with each (so that nothing is tree-shaken away).
 */
export function floorSource(clients: string[]): string {
  const has = (pkg: string) => clients.includes(pkg);
  const imports: string[] = [];
  const setup: string[] = [];
  const calls: string[] = [];
  const target = '{ Bucket: process.env.BUCKET_NAME, Key: "floor" }';
  if (has(DYNAMODB)) {
    imports.push(
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';",
    );
    setup.push('const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({}));');
    calls.push(
      'dynamodb.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: "floor", sk: "floor" } }))',
    );
  }
  if (has('@aws-sdk/client-s3')) {
    const commands = [
      'HeadObjectCommand',
      'S3Client',
      ...(has('@aws-sdk/s3-request-presigner') ? ['GetObjectCommand'] : []),
    ];
    imports.push(`import { ${commands.sort().join(', ')} } from '@aws-sdk/client-s3';`);
    setup.push('const s3 = new S3Client({});');
    calls.push(`s3.send(new HeadObjectCommand(${target}))`);
    if (has('@aws-sdk/s3-presigned-post')) {
      imports.push("import { createPresignedPost } from '@aws-sdk/s3-presigned-post';");
      calls.push(`createPresignedPost(s3, ${target})`);
    }
    if (has('@aws-sdk/s3-request-presigner')) {
      imports.push("import { getSignedUrl } from '@aws-sdk/s3-request-presigner';");
      calls.push(`getSignedUrl(s3, new GetObjectCommand(${target}))`);
    }
  }
  if (has('@aws-sdk/client-ses')) {
    imports.push("import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';");
    setup.push('const ses = new SESClient({});');
    calls.push(
      'ses.send(new SendEmailCommand({ Source: process.env.MAIL_FROM, Destination: { ToAddresses: [] }, Message: { Subject: { Data: "" }, Body: { Text: { Data: "" } } } }))',
    );
  }
  if (has('@aws-sdk/client-cognito-identity-provider')) {
    imports.push(
      "import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';",
    );
    setup.push('const cognito = new CognitoIdentityProviderClient({});');
    calls.push(
      'cognito.send(new AdminGetUserCommand({ UserPoolId: process.env.USER_POOL_ID, Username: "floor" }))',
    );
  }
  return [
    ...imports,
    ...setup,
    `export const handler = async () => Promise.all([${calls.join(', ')}]);`,
    '',
  ].join('\n');
}

/** The key of the reference that adds to the DynamoDB floor what the product requires of every case function. */
export const REQUIRED_KEY = 'dynamodb+required';

/**
 * The DynamoDB floor plus what the product asks every function running the procedure to carry:
 * the Powertools logger, one middy stack, zod parsing the events and the XState machine taking
 * them (the project's own machine and event schemas, nothing else of its code). What a function
 * running the machine cannot import faster than, however lean the rest.
 */
export function requiredSource(): string {
  return [
    floorSource([DYNAMODB]).replace('export const handler', 'const floor'),
    "import { Logger } from '@aws-lambda-powertools/logger';",
    "import middy from '@middy/core';",
    "import { transition } from 'xstate';",
    "import { caseMachine } from './workflows/case.machine.ts';",
    "import { CaseEventBodySchema } from './workflows/case-events.schema.ts';",
    'const logger = new Logger();',
    'export const handler = middy(async (event) => {',
    '  logger.info("event");',
    '  await floor();',
    '  return transition(caseMachine, event.snapshot, CaseEventBodySchema.parse(event.body));',
    '});',
    '',
  ].join('\n');
}

/** The stack's esbuild options for a module given as source text (a floor, the required reference). */
export function sourceBuildOptions(
  bundling: BundlingOptions,
  repoRoot: string,
  { name, contents, outdir }: { name: string; contents: string; outdir: string },
): BuildOptions & { outfile: string; metafile: true } {
  const options = esbuildOptionsOf(bundling, { entry: `${name}.mjs`, outdir, projectRoot: repoRoot });
  delete options.entryPoints;
  return { ...options, stdin: { contents, loader: 'js', resolveDir: repoRoot, sourcefile: `${name}.mjs` } };
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Fisher–Yates, on a copy. */
export function shuffled<T>(items: T[], random: () => number = Math.random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

// ----- Figures -----

export interface ImportFigures {
  /** Median wall time of `await import(bundle)` in a fresh process, ms. */
  importMs: number;
  /** Median CPU time (user + system) of the process during that import, ms. */
  cpuMs: number;
  samples: number[];
}

export interface FloorFigures extends ImportFigures {
  key: string;
  clients: string[];
  bytes: number;
  gzipBytes: number;
}

export interface FunctionFigures extends ImportFigures {
  name: string;
  kind: 'api' | 'mail';
  bytes: number;
  gzipBytes: number;
  /** The SDK packages found in the bundle. */
  clients: string[];
  /** SDK packages no floor reproduces (their bytes are counted above the floor). */
  unknownClients: string[];
  floor: string;
  floorBytes: number;
  overFloorBytes: number;
  /** Cold import over the DynamoDB-only floor's, and over its own floor's. */
  ratioToDynamoFloor: number;
  ratioToOwnFloor: number;
  /** The same for CPU time, steadier than wall time on a busy machine. */
  cpuRatioToDynamoFloor: number;
  pass: { overFloor: boolean; importRatio: boolean };
}

export interface BundleReport {
  at: string;
  node: string;
  esbuild: string;
  runs: number;
  /** One-minute load average before and after the cold imports: above the cores, wall times stretch. */
  loadAverage: { before: number; after: number };
  cores: number;
  bundling: BundlingOptions;
  targets: typeof TARGETS;
  reference: string;
  floors: FloorFigures[];
  /** The DynamoDB floor with the libraries the procedure requires (`requiredSource`), and its ratio to the floor. */
  required: FloorFigures & { ratioToDynamoFloor: number };
  functions: FunctionFigures[];
}

interface Built {
  file: string;
  bytes: number;
  gzipBytes: number;
  metafile: Metafile;
}

async function bundle(options: BuildOptions & { outfile: string; metafile: true }): Promise<Built> {
  const result = await build(options);
  const code = await readFile(options.outfile);
  const output = bundleOutput(result.metafile);
  if (output.bytes !== code.length)
    throw new Error(`${options.outfile}: ${code.length} bytes, metafile says ${output.bytes}`);
  return {
    file: options.outfile,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    metafile: result.metafile,
  };
}

const execFileAsync = promisify(execFile);

/** One cold import of a bundle in a fresh `node`, timed inside the child around the import alone. */
export async function coldImport(file: string, env: Record<string, string> = IMPORT_ENVIRONMENT) {
  const script = [
    'const cpu = process.cpuUsage();',
    'const t = performance.now();',
    `const m = await import(${JSON.stringify(pathToFileURL(file).href)});`,
    'const ms = performance.now() - t;',
    'const used = process.cpuUsage(cpu);',
    "if (typeof m.handler !== 'function') throw new Error('the bundle exports no handler');",
    'process.stdout.write(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000 }));',
    'process.exit(0);',
  ].join('\n');
  // A clean environment: not this process's (tsx's loader, a developer's NODE_OPTIONS or endpoints).
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout) as { ms: number; cpuMs: number };
}

export interface MeasureOptions {
  runs?: number;
  repoRoot?: string;
  /** Settings other than the stack's, to see what a change would do (e.g. `mainFields`). */
  bundling?: Partial<BundlingOptions>;
  onProgress?: (message: string) => void;
}

export async function measureBundles({
  runs = 15,
  repoRoot = REPO_ROOT,
  bundling: overrides = {},
  onProgress = () => {},
}: MeasureOptions = {}): Promise<BundleReport> {
  const bundling: BundlingOptions = { ...bundlingOf(repoRoot), ...overrides };
  const dir = await mkdtemp(join(tmpdir(), 'renfort-bundles-'));
  try {
    onProgress(`Bundling into ${dir}…`);
    const entries = functionEntries(routeList, repoRoot, join(dir, 'entries'));
    const built = await Promise.all(
      entries.map(async (f) => ({
        ...f,
        ...(await bundle(
          esbuildOptionsOf(bundling, {
            entry: f.entry,
            outdir: join(dir, 'functions', f.name),
            projectRoot: repoRoot,
          }),
        )),
      })),
    );
    const functions = built.map((f) => {
      const clients = sdkClientsOf(f.metafile);
      const unknown = unknownClients(clients);
      const floor = floorClients(clients.filter((c) => !unknown.includes(c)));
      return { ...f, clients, unknown, floor };
    });

    const reference = [DYNAMODB];
    const floorSets = new Map([[floorKey(reference), reference]]);
    for (const f of functions) floorSets.set(floorKey(f.floor), f.floor);
    const floors = await Promise.all(
      [...floorSets].map(async ([key, clients]) => {
        const floor = await bundle(
          sourceBuildOptions(bundling, repoRoot, {
            name: `floor-${key}`,
            contents: floorSource(clients),
            outdir: join(dir, 'floors', key),
          }),
        );
        // The floor holds what it was made for, no more, no less; otherwise the comparison is off.
        const found = floorKey(floorClients(sdkClientsOf(floor.metafile)));
        if (found !== key) throw new Error(`the floor ${key} bundles ${found}`);
        return { key, clients, ...floor };
      }),
    );

    const required = await bundle(
      sourceBuildOptions(bundling, repoRoot, {
        name: REQUIRED_KEY,
        contents: requiredSource(),
        outdir: join(dir, 'floors', REQUIRED_KEY),
      }),
    );

    const targets = [
      ...functions.map((f) => ({ id: `fn:${f.name}`, file: f.file })),
      ...floors.map((f) => ({ id: `floor:${f.key}`, file: f.file })),
      { id: `floor:${REQUIRED_KEY}`, file: required.file },
    ];
    const samples = new Map(targets.map((t) => [t.id, [] as { ms: number; cpuMs: number }[]]));
    onProgress(`Cold imports: ${targets.length} bundles, 1 warm-up round and ${runs} rounds…`);
    const loadBefore = loadavg()[0] as number;
    for (let round = 0; round <= runs; round++) {
      for (const t of shuffled(targets)) {
        const sample = await coldImport(t.file);
        if (round > 0) samples.get(t.id)?.push(sample);
      }
      if (round > 0) onProgress(`  round ${round}/${runs}`);
    }
    const loadAfter = loadavg()[0] as number;
    const importFigures = (id: string): ImportFigures => {
      const of = samples.get(id) ?? [];
      const round1 = (n: number) => Math.round(n * 10) / 10;
      return {
        importMs: round1(median(of.map((s) => s.ms))),
        cpuMs: round1(median(of.map((s) => s.cpuMs))),
        samples: of.map((s) => round1(s.ms)),
      };
    };

    const floorFigures: FloorFigures[] = floors.map((f) => ({
      key: f.key,
      clients: f.clients,
      bytes: f.bytes,
      gzipBytes: f.gzipBytes,
      ...importFigures(`floor:${f.key}`),
    }));
    const floorOf = (key: string) => floorFigures.find((f) => f.key === key) as FloorFigures;
    const referenceFloor = floorOf(floorKey(reference));
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    const functionFigures: FunctionFigures[] = functions.map((f) => {
      const own = floorOf(floorKey(f.floor));
      const figures = importFigures(`fn:${f.name}`);
      const overFloorBytes = f.bytes - own.bytes;
      const ratioToDynamoFloor = ratio(figures.importMs, referenceFloor.importMs);
      return {
        name: f.name,
        kind: f.kind,
        bytes: f.bytes,
        gzipBytes: f.gzipBytes,
        clients: f.clients,
        unknownClients: f.unknown,
        floor: own.key,
        floorBytes: own.bytes,
        overFloorBytes,
        ...figures,
        ratioToDynamoFloor,
        ratioToOwnFloor: ratio(figures.importMs, own.importMs),
        cpuRatioToDynamoFloor: ratio(figures.cpuMs, referenceFloor.cpuMs),
        pass: {
          overFloor: overFloorBytes <= TARGETS.overFloorBytes,
          importRatio: ratioToDynamoFloor <= TARGETS.importRatio,
        },
      };
    });
    return {
      at: new Date().toISOString(),
      node: process.version,
      esbuild: esbuildVersion,
      runs,
      loadAverage: { before: loadBefore, after: loadAfter },
      cores: availableParallelism(),
      bundling,
      targets: TARGETS,
      reference: referenceFloor.key,
      floors: floorFigures,
      required: (() => {
        const figures = importFigures(`floor:${REQUIRED_KEY}`);
        return {
          key: REQUIRED_KEY,
          clients: reference,
          bytes: required.bytes,
          gzipBytes: required.gzipBytes,
          ...figures,
          ratioToDynamoFloor: ratio(figures.importMs, referenceFloor.importMs),
        };
      })(),
      functions: functionFigures,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ----- The table -----

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const verdict = (pass: boolean) => (pass ? 'pass' : 'FAIL');

export function formatReport(report: BundleReport): string {
  const fnTable = table(
    [
      'function',
      'raw KB',
      'gzip KB',
      'SDK clients',
      'floor KB',
      'over floor KB',
      `≤ ${TARGETS.overFloorBytes / 1024}`,
      'import ms',
      'cpu ms',
      `× ${report.reference}`,
      `≤ ${TARGETS.importRatio}`,
      '× own floor',
      `cpu × ${report.reference}`,
    ],
    report.functions.map((f) => [
      f.name,
      kb(f.bytes),
      kb(f.gzipBytes),
      [f.floor, ...f.unknownClients.map((c) => `${shortName(c)}?`)].join(' '),
      kb(f.floorBytes),
      kb(f.overFloorBytes),
      verdict(f.pass.overFloor),
      f.importMs.toFixed(1),
      f.cpuMs.toFixed(1),
      f.ratioToDynamoFloor.toFixed(2),
      verdict(f.pass.importRatio),
      f.ratioToOwnFloor.toFixed(2),
      f.cpuRatioToDynamoFloor.toFixed(2),
    ]),
    [false, true, true, false, true, true, false, true, true, true, false, true, true],
  );
  const reference = report.floors.find((f) => f.key === report.reference);
  const floorTable = table(
    ['floor', 'raw KB', 'gzip KB', 'import ms', 'cpu ms', `× ${report.reference}`],
    [...report.floors, report.required].map((f) => [
      f.key,
      kb(f.bytes),
      kb(f.gzipBytes),
      f.importMs.toFixed(1),
      f.cpuMs.toFixed(1),
      reference ? (f.importMs / reference.importMs).toFixed(2) : '',
    ]),
    [false, true, true, true, true, true],
  );
  const { mainFields } = report.bundling;
  const { before, after } = report.loadAverage;
  return [
    `Bundles as the stack builds them (esbuild ${report.esbuild}, main fields ${mainFields?.join(',') ?? "esbuild's default for node: main,module"}).`,
    `Cold imports on Node ${report.node}, median of ${report.runs} rounds; load average ${before.toFixed(1)} → ${after.toFixed(1)} on ${report.cores} cores.`,
    '',
    fnTable,
    '',
    'Floors (only these SDK clients, same bundling):',
    floorTable,
    `${REQUIRED_KEY}: the ${report.reference} floor with the Powertools logger, a middy stack, zod parsing`,
    'the events and the XState machine taking them, as the product requires of a function running',
    `the procedure: ${report.required.ratioToDynamoFloor.toFixed(2)} × ${report.reference} before any other code of ours.`,
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '15' },
      'main-fields': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs expects a positive whole number, not ${values.runs}`);
    process.exit(2);
  }
  const report = await measureBundles({
    runs,
    ...(values['main-fields'] && { bundling: { mainFields: values['main-fields'].split(',') } }),
    onProgress: (message) => console.error(message),
  });
  console.log(formatReport(report));
  if (values.json) console.log(JSON.stringify(report, null, 2));
}
