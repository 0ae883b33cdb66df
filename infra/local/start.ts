import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PORTS } from './emulators.ts';
import { seedUsers } from './seed-data.ts';
import type { LocalStack } from './stack.ts';

/**
 * `npm start`: the whole of Renfort on this machine. Data is kept in `.local/` across
 * restarts; `npm start -- --reset` starts from an empty stack (seed data only).
 */
const { values } = parseArgs({ options: { reset: { type: 'boolean', default: false } } });
const dataDir = join(import.meta.dirname, '..', '..', '.local');
const gatewayPort = Number(process.env.PORT ?? 3000);
// Handler logs are JSON lines for CloudWatch; locally only warnings and errors are worth the noise.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
// Node 20 is supported by the pinned SDK; the notice about its 2027 releases is not for this terminal.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Loaded only now: the handlers' logger reads its level when its module loads, and a static import
// would load it before the two lines above run.
const { startLocalStack } = await import('./stack.ts');

const started = performance.now();
if (values.reset) rmSync(dataDir, { recursive: true, force: true });

let stack: LocalStack | undefined;
let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the local stack…`);
  await stack?.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// Whatever ends this process, no emulator outlives it.
process.on('exit', () => stack?.killNow());

try {
  stack = await startLocalStack({
    ports: DEFAULT_PORTS,
    gatewayPort,
    dataDir,
    log: (line) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`),
  });
} catch (error) {
  console.error(`The local stack could not start: ${(error as Error).message}`);
  process.exit(1);
}

const { url, endpoints, seeded, mail } = stack;
const paris = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  dateStyle: 'medium',
  timeStyle: 'short',
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const width = Math.max(...seedUsers.map((u) => u.email.length));
console.log(`
Renfort is running locally (ready in ${seconds} s): ${url}

  API                 ${url}   (OpenAPI: ${url}/openapi.json)
  DynamoDB Local      ${endpoints.dynamodb}
  S3 (s3rver)         ${endpoints.s3}
  SES (mail viewer)   ${endpoints.ses}   (sent mails: ${endpoints.ses}/store)
  Cognito (local)     ${endpoints.cognito}
  Mail                sent from the table's stream; daily job at 08:00 Europe/Paris (next: ${paris.format(mail.jobs.nextDailyRun)})
                      as of any instant: POST ${url}/_local/daily-job {"at": "2026-12-01T08:00:00+01:00"}
  Data                ${dataDir}${values.reset ? ' (reset)' : ''}

Seeded users (memberships created ${seeded.users.created}, already there ${seeded.users.unchanged}; the coordination administers them at /admin/users):
${seedUsers.map((u) => `  ${u.email.padEnd(width)}  ${u.role.padEnd(12)}  ${u.organisationId}`).join('\n')}

Try it:
  TOKEN=$(curl -s -X POST ${url}/_local/token -H 'content-type: application/json' \\
    -d '{"email":"ca.tilleuls@example.org"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')
  curl -s ${url}/me -H "authorization: Bearer $TOKEN"

Ctrl-C stops everything.
`);
