/**
 * The browser tests' local stack, in a process of its own (started by test/e2e/global-setup.ts).
 *
 * Not in vitest's main process: the gateway runs the handlers in the process that starts it, and
 * they read their configuration (the emulators' endpoints, the user pool) from `process.env` once.
 * The integration tests' stack already lives in vitest's main process; a second one there would
 * send both gateways' handlers to the same emulators.
 *
 * It starts the emulators on free ports with a temporary data folder, prints one JSON line with
 * the addresses, and stops everything on SIGTERM, SIGINT, or when its stdin closes (the parent is
 * gone, however it ended).
 */
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { freePort } = await import('../../infra/local/processes.ts');
const { startLocalStack } = await import('../../infra/local/stack.ts');
type Stack = Awaited<ReturnType<typeof startLocalStack>>;

let stack: Stack | undefined;
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await stack?.stop().catch(() => {});
  process.exit(code);
}
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
process.stdin.on('end', () => void stop(0));
process.stdin.on('error', () => void stop(0));
process.stdin.resume();
process.on('exit', () => stack?.killNow());

try {
  const [dynamodb, s3, ses, cognito] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  stack = await startLocalStack({
    ports: { dynamodb, s3, ses, cognito },
    gatewayPort: 0,
    ...(process.env.CONSOLE_DIST && { consoleDist: process.env.CONSOLE_DIST }),
  });
  const { url, consoleUrl, endpoints, identity, env } = stack;
  process.stdout.write(`${JSON.stringify({ ready: { url, consoleUrl, endpoints, identity, env } })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: (error as Error).message })}\n`);
  await stop(1);
}
