import type { LocalStack } from '../../infra/local/stack.ts';

/**
 * The local stack of a bench: the emulators on free ports behind the gateway, stopped with the
 * process (`consoleDist`: the console build it serves, web/dist when absent). Imported lazily, so that a bench sets its environment (log level) before the handlers load.
 */
export async function startBenchStack({ consoleDist }: { consoleDist?: string } = {}): Promise<LocalStack> {
  const { freePort } = await import('../../infra/local/processes.ts');
  const { startLocalStack } = await import('../../infra/local/stack.ts');
  const [dynamodb, s3, ses, cognito] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  console.log('Starting the local stack…');
  const stack = await startLocalStack({
    ports: { dynamodb, s3, ses, cognito },
    gatewayPort: 0,
    ...(consoleDist && { consoleDist }),
  });
  process.on('exit', () => stack.killNow());
  return stack;
}

/** A token for a local user, from `POST /_local/token`. */
export async function localToken(baseUrl: string, email: string): Promise<string> {
  const res = await fetch(`${baseUrl}/_local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  return ((await res.json()) as { token: string }).token;
}
