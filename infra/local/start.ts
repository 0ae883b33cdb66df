import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { watchAncestors } from './ancestors.ts';
import { javaProblem, nodeProblem, type PortUse, portFrom, portsProblem } from './prerequisites.ts';
import { ManagedProcess } from './processes.ts';

/**
 * `npm start`: the whole of Renfort on this machine, the console first. Data is kept in `.local/`
 * across restarts; `npm start -- --reset` starts from an empty stack (seed data only);
 * `npm start -- --demo` adds demonstration cases in every status.
 *
 * Environment: PORT (3000), DYNAMODB_PORT (8000), S3_PORT (4569), SES_PORT (8005), COGNITO_PORT
 * (9229); RENFORT_DATA_DIR (.local); RENFORT_CONSOLE_DIST, a console already built to serve
 * instead of web/dist (nothing is built then).
 *
 * A missing prerequisite, a busy port or a failed start is one sentence on stderr and exit code 1;
 * whatever ends it (Ctrl-C, SIGTERM, SIGHUP, the death of npm or of another ancestor, a failed
 * start), no process of the stack is left running. Only Node's own modules and small local ones
 * are loaded before the checks: an old Node gets its sentence, not a stack trace.
 */

/** One sentence on stderr, and exit code 1, once everything started is stopped. */
async function refuse(sentence: string): Promise<never> {
  console.error(sentence);
  await ManagedProcess.stopAll();
  process.exit(1);
}

const oldNode = nodeProblem();
if (oldNode) await refuse(oldNode);

let values: { reset?: boolean; demo?: boolean };
try {
  ({ values } = parseArgs({
    options: { reset: { type: 'boolean', default: false }, demo: { type: 'boolean', default: false } },
  }));
} catch (error) {
  values = await refuse(
    `${(error as Error).message.replace(/\.$/, '')}: npm start takes --reset (start from the seed alone) and --demo (add demonstration cases), e.g. npm start -- --demo.`,
  );
}

// `npm start --demo` (without `--`) reaches us only as npm's own setting: understood, and said.
for (const flag of ['demo', 'reset'] as const) {
  if (process.env[`npm_config_${flag}`] === 'true' && !values[flag]) {
    values[flag] = true;
    console.log(`(npm start --${flag} understood as npm start -- --${flag})`);
  }
}

const repoRoot = join(import.meta.dirname, '..', '..');
const dataDir = process.env.RENFORT_DATA_DIR || join(repoRoot, '.local');
const givenDist = process.env.RENFORT_CONSOLE_DIST || undefined;

const uses: PortUse[] = [];
const portOf = async (name: string, variable: string, fallback: number) => {
  const port = portFrom(process.env, variable, fallback);
  if (typeof port === 'string') return refuse(port);
  uses.push({ name, port, variable });
  return port;
};
const gatewayPort = await portOf('the API and the console', 'PORT', 3000);
const ports = {
  dynamodb: await portOf('DynamoDB Local', 'DYNAMODB_PORT', 8000),
  s3: await portOf('S3, s3rver', 'S3_PORT', 4569),
  ses: await portOf('SES, the mail viewer', 'SES_PORT', 8005),
  cognito: await portOf('Cognito, cognito-local', 'COGNITO_PORT', 9229),
};
const [busy, java] = await Promise.all([portsProblem(uses), Promise.resolve().then(() => javaProblem())]);
if (java) await refuse(java);
if (busy) await refuse(busy);

// Handler logs are JSON lines for CloudWatch; locally only warnings and errors are worth the noise.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
// Node 20 is supported by the pinned SDK; the notice about its 2027 releases is not for this terminal.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const started = performance.now();
/** Request lines are muted while the demo drives a few hundred requests. */
let quietRequests = false;
const log = (line: string) => {
  if (quietRequests && /^(GET|HEAD|POST|PUT|PATCH|DELETE) \//.test(line)) return;
  console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
};

type LocalStack = import('./stack.ts').LocalStack;
let stack: LocalStack | undefined;
let stopping = false;
/** Once a signal has come, the start goes no further: shutdown() ends the process. */
const halted = () => (stopping ? new Promise<never>(() => {}) : Promise.resolve());
async function shutdown(reason: string, code = 0) {
  if (stopping) return;
  stopping = true;
  (code === 0 ? console.log : console.error)(`\n${reason}: stopping the local stack…`);
  // Whatever hangs, the process ends within 10 s; the exit hook then kills what is left.
  setTimeout(() => process.exit(code), 10_000).unref();
  try {
    await (stack ? stack.stop() : ManagedProcess.stopAll());
  } catch (error) {
    console.error(`Stopping: ${(error as Error).message}`);
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => void shutdown('SIGHUP'));
// npm 11 does not pass on a SIGTERM sent to its pid alone: when npm (or any ancestor) is gone, stop.
watchAncestors((ancestor) =>
  shutdown(`${ancestor.name ?? 'The process'} (pid ${ancestor.pid}) that started this one has ended`),
);
process.on('uncaughtException', (error) => void shutdown(`Unexpected error: ${error.message}`, 1));
process.on('unhandledRejection', (error) => void shutdown(`Unexpected error: ${String(error)}`, 1));
// A terminal closed under us: writing to it must not end the process before the stack is stopped.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
// Whatever ends this process, no emulator outlives it.
process.on('exit', () => {
  stack?.killNow();
  ManagedProcess.killAll();
});

/** Builds web/dist when it is missing or older than its sources; a failed build leaves the API running. */
async function prepareConsole(): Promise<string> {
  if (givenDist) return `serving ${givenDist}`;
  const { buildConsole, consoleBuildState } = await import('./build-console.ts');
  const state = consoleBuildState();
  if (state.state === 'no-console') {
    log('No console to build yet (no web/index.html and web/vite.config.ts): the API runs without it.');
    return 'not built (no web/ folder yet)';
  }
  if (state.state === 'fresh') return 'web/dist is up to date';
  log(`Building the console (${state.reason})…`);
  const buildStarted = performance.now();
  try {
    await buildConsole();
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    log(
      `The console could not be built (${message}): fix web/ and run npm run build:web; the API runs meanwhile.`,
    );
    return 'build failed (see above)';
  }
  const seconds = ((performance.now() - buildStarted) / 1000).toFixed(1);
  log(`Console built in ${seconds} s.`);
  return `built in ${seconds} s`;
}

// Loaded only now: the handlers' logger reads its level when its module loads, and a static import
// would load it before the lines above run.
const { startLocalStack } = await import('./stack.ts');

// Only the emulators' own folders: RENFORT_DATA_DIR may name a folder that holds other things.
if (values.reset) {
  for (const part of ['dynamodb', 's3', 'cognito'])
    rmSync(join(dataDir, part), { recursive: true, force: true });
}

let consoleState: string;
try {
  [stack, consoleState] = await Promise.all([
    startLocalStack({
      ports,
      gatewayPort,
      dataDir,
      ...(givenDist && { consoleDist: givenDist }),
      log,
    }),
    prepareConsole(),
  ]);
} catch (error) {
  await halted();
  const { code, port } = error as NodeJS.ErrnoException & { port?: number };
  if (code === 'EADDRINUSE') {
    const use = uses.find((u) => u.port === port) ?? uses[0];
    await refuse(
      `Port ${port} (${use?.name}) was taken while the stack started: stop what uses it, or choose another port, e.g. ${use?.variable}=${(port ?? 3000) + 1} npm start.`,
    );
  }
  const said = (error as Error).message.replace(/\s+/g, ' ').trim();
  const message = said.length > 400 ? `${said.slice(0, 399)}…` : said;
  await refuse(
    `The local stack could not start (${message}); nothing is left running: fix the cause and run npm start again (npm start -- --reset starts afresh, losing the local cases).`,
  );
  throw error;
}

await halted();
let demoLine = '';
if (values.demo) {
  const { seedDemo } = await import('./demo.ts');
  quietRequests = true;
  const demoStarted = performance.now();
  try {
    const outcome = await seedDemo(stack.url);
    const took = ((performance.now() - demoStarted) / 1000).toFixed(1);
    demoLine =
      outcome.created.length > 0
        ? `${outcome.created.length} cases created (${outcome.present} already there) in ${took} s, cs-tilleuls and cs-mistral, one per status`
        : `already there (${outcome.present} cases): nothing added`;
  } catch (error) {
    demoLine = `not all created (${(error as Error).message.split('\n')[0]}); run npm start -- --demo again`;
  } finally {
    quietRequests = false;
  }
}

await halted();
const { url, consoleUrl, endpoints, seeded, mail } = stack;
const { seedUsers } = await import('./seed-data.ts');
const paris = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  dateStyle: 'medium',
  timeStyle: 'short',
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const width = Math.max(...seedUsers.map((u) => u.email.length));
console.log(`
Console: ${consoleUrl}   (${consoleState}; sign in as one of the seeded users below)

Renfort is running locally (ready in ${seconds} s): ${url}

  API                 ${url}   (OpenAPI: ${url}/openapi.json, Swagger UI: ${url}/docs)
  DynamoDB Local      ${endpoints.dynamodb}
  S3 (s3rver)         ${endpoints.s3}
  SES (mail viewer)   ${endpoints.ses}   (sent mails: ${endpoints.ses}/store)
  Cognito (local)     ${endpoints.cognito}
  Mail                sent from the table's stream; daily job at 08:00 Europe/Paris (next: ${paris.format(mail.jobs.nextDailyRun)})
                      as of any instant: POST ${url}/_local/daily-job {"at": "2026-12-01T08:00:00+01:00"}
  Data                ${dataDir}${values.reset ? ' (reset)' : ''}${demoLine ? `\n  Demo cases          ${demoLine}` : ''}

Seeded users (memberships created ${seeded.users.created}, already there ${seeded.users.unchanged}; the coordination administers them at /admin/users):
${seedUsers.map((u) => `  ${u.email.padEnd(width)}  ${u.role.padEnd(12)}  ${u.organisationId}`).join('\n')}

Try it:
  TOKEN=$(curl -s -X POST ${url}/_local/token -H 'content-type: application/json' \\
    -d '{"email":"ca.tilleuls@example.org"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')
  curl -s ${url}/me -H "authorization: Bearer $TOKEN"
${values.demo ? '' : '\nDemonstration cases in every status: npm start -- --demo\n'}
Ctrl-C stops everything.
`);
