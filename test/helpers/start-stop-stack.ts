/**
 * Run as a child process by test/integration/local-mail.test.ts: starts a whole local stack (free
 * ports, a temporary data folder), lets the mail dispatcher poll, stops the stack, prints what it
 * saw on one JSON line, and returns without `process.exit`: the process ends only if the stack
 * left nothing behind (no timer, no socket, no child process).
 */
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { freePort } = await import('../../infra/local/processes.ts');
const { startLocalStack } = await import('../../infra/local/stack.ts');

const [dynamodb, s3, ses, cognito] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
const stack = await startLocalStack({ ports: { dynamodb, s3, ses, cognito }, gatewayPort: 0 });
const { poller, jobs } = stack.mail;
while (poller.stats.polls < 3) await new Promise((resolve) => setTimeout(resolve, 50));
await stack.stop();
console.log(
  JSON.stringify({
    stoppedAt: Date.now(),
    pollerStopped: poller.stopped,
    jobsStopped: jobs.stopped,
    polls: poller.stats.polls,
    nextDailyRun: jobs.nextDailyRun.toISOString(),
    resources: process.getActiveResourcesInfo(),
  }),
);
