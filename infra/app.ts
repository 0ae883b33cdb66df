import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { routeList } from '../shared/http/routes.ts';
import { RenfortStack } from './stacks/renfort-stack.ts';

const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
new RenfortStack(app, 'Renfort', {
  routes: routeList,
  repoRoot: join(import.meta.dirname, '..'),
  mailDomain: app.node.tryGetContext('mailDomain') ?? 'renfort.example.org',
  // Origins besides the console's (which the stack knows) allowed to call the API from a browser.
  allowedOrigins: String(app.node.tryGetContext('allowedOrigins') ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean),
  // Pass -c cursorSecret=… to keep cursors valid across deployments; otherwise one per synth.
  cursorSecret: app.node.tryGetContext('cursorSecret') ?? randomBytes(24).toString('base64url'),
  env: { region: process.env.CDK_DEFAULT_REGION ?? 'eu-west-3', account: process.env.CDK_DEFAULT_ACCOUNT },
});
