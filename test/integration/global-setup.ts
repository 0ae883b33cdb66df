import type { TestProject } from 'vitest/node';
import { freePort } from '../../infra/local/processes.ts';
import type { LocalStack } from '../../infra/local/stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    endpoints: LocalStack['endpoints'];
    identity: LocalStack['identity'];
    /** The handlers' environment, for a test that runs them in its own process. */
    env: LocalStack['env'];
  }
}

/** One local stack for the integration run: the emulators on free ports, seeded, behind the gateway. */
export default async function setup(project: TestProject) {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Loaded only now: the handlers' logger reads its level when its module loads (the mail
  // dispatcher, running in this process, would otherwise log each outbox item it sends).
  const { startLocalStack } = await import('../../infra/local/stack.ts');
  const [dynamodb, s3, ses, cognito] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const stack = await startLocalStack({ ports: { dynamodb, s3, ses, cognito }, gatewayPort: 0 });
  project.provide('apiUrl', stack.url);
  project.provide('endpoints', stack.endpoints);
  project.provide('identity', stack.identity);
  project.provide('env', stack.env);
  return () => stack.stop();
}
