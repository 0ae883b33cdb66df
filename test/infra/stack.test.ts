import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { RenfortStack } from '../../infra/stacks/renfort-stack.ts';
import { routeList } from '../../shared/http/routes.ts';
import { TABLE_INDEXES } from '../../shared/store/table.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
/** The attributes every Cognito user pool has; anything else would be a custom one. */
const STANDARD_ATTRIBUTES = new Set(['email', 'email_verified', 'name', 'sub', 'phone_number']);
let template: Template;
let stack: RenfortStack;

beforeAll(() => {
  // Bundling is skipped here (`npm run synth` bundles for real); the template is the same.
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'cdk-')),
    context: { 'aws:cdk:bundling-stacks': [] },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  stack = new RenfortStack(app, 'Renfort', {
    routes: routeList,
    repoRoot,
    mailDomain: 'renfort.example.org',
    cursorSecret: 'test-cursor-secret-0123456789',
    allowedOrigins: [],
    // No build here, whatever web/dist holds: the console's deployment is tested in console.test.ts.
    console: { distDir: join(tmpdir(), 'renfort-no-console-build') },
  });
  app.synth(); // throws if cdk-nag reports a finding nobody acknowledged
  template = Template.fromStack(stack);
});

describe('the CDK stack', () => {
  it('has one HTTP route per entry of the route table, plus the $default fallback', () => {
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    const keys = Object.values(routes).map((r) => r.Properties.RouteKey as string);
    expect(keys.sort()).toEqual([...routeList.map((r) => `${r.method} ${r.path}`), '$default'].sort());
  });

  it('puts the JWT authorizer on exactly the routes that need a token', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    for (const route of routeList) {
      const found = routes.find((r) => r.Properties.RouteKey === `${route.method} ${route.path}`);
      expect(found?.Properties.AuthorizationType ?? 'NONE', route.operationId).toBe(
        route.auth === 'jwt' ? 'JWT' : 'NONE',
      );
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
  });

  it('runs one function per route group and one fallback', () => {
    const groups = new Set(routeList.map((r) => r.group));
    expect([...stack.functions.keys()].sort()).toEqual([...groups, 'fallback'].sort());
    expect([...stack.mailFunctions.keys()].sort()).toEqual(['bounce', 'daily-job', 'dispatch', 'sweep']);
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Runtime: 'nodejs22.x', Architectures: ['arm64'] },
      groups.size + 1 + stack.mailFunctions.size,
    );
  });

  it('sizes the memory of each function as measured: 1,024 MB where someone waits, 256 MB for the public and fallback, 512 MB for mail', () => {
    const memoryOf = (f: unknown) =>
      template.toJSON().Resources[idOf(f as IConstruct)]?.Properties.MemorySize as number | undefined;
    for (const [group, f] of stack.functions) {
      expect(memoryOf(f), group).toBe(group === 'public' || group === 'fallback' ? 256 : 1024);
    }
    for (const [name, f] of stack.mailFunctions) expect(memoryOf(f), name).toBe(512);
  });

  it('grants a group only what its routes declare: the public group reads no table', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const statementsOf = (group: string) =>
      Object.entries(policies)
        .filter(([id]) => id.startsWith(`Fn${group}ServiceRoleDefaultPolicy`))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
        .flatMap((s) => [s.Action].flat());
    expect(statementsOf('identity')).toEqual(expect.arrayContaining(['dynamodb:Query']));
    expect(statementsOf('identity')).not.toEqual(expect.arrayContaining(['dynamodb:PutItem']));
    expect(statementsOf('public').filter((a) => a.startsWith('dynamodb:') || a.startsWith('s3:'))).toEqual(
      [],
    );
    expect(statementsOf('cases')).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:PutItem']));
    expect(statementsOf('cases').filter((a) => a.startsWith('s3:'))).toEqual([]);
    expect(statementsOf('documents')).toEqual(
      expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject']),
    );
    expect(statementsOf('documents')).toContain('s3:ListBucket');
  });

  it('builds the table from the shared key schema, with point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE_INDEXES.map((idx) => Match.objectLike({ IndexName: idx.indexName })),
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('keeps documents encrypted, private and over TLS only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: Match.objectLike({}),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('expires never-confirmed uploads: incoming/ objects, their old versions and partial uploads, after a day', () => {
    const buckets = Object.values(template.findResources('AWS::S3::Bucket')).filter(
      (b) => b.Properties.VersioningConfiguration?.Status === 'Enabled',
    );
    expect(buckets).toHaveLength(1);
    expect(buckets[0]?.Properties.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'expire-unconfirmed-uploads',
        Prefix: 'incoming/',
        Status: 'Enabled',
        ExpirationInDays: 1,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
  });

  it('lets the documents group put, get and delete objects under incoming/ and centres/ only', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const statements = Object.entries(policies)
      .filter(([id]) => id.startsWith('FndocumentsServiceRoleDefaultPolicy'))
      .flatMap(
        ([, p]) =>
          p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      );
    /** The object paths an action is granted on: the last literal of each `Fn::Join`. */
    const paths = (action: string) =>
      statements
        .filter((s) => [s.Action].flat().includes(action))
        .flatMap((s) => [s.Resource].flat() as { 'Fn::Join': [string, unknown[]] }[])
        .map((r) => String(r['Fn::Join'][1].at(-1)));
    for (const action of ['s3:PutObject', 's3:GetObject', 's3:DeleteObject']) {
      expect(paths(action).sort(), action).toEqual(['/centres/*', '/incoming/*']);
    }
  });

  it('keeps no membership in Cognito: no custom attribute, no group, and a user may write only its name', () => {
    // Membership lives in the table; nothing a user holds in Cognito could name a role,
    // an organisation or a tenant, and the attributes a user may write are listed one by one
    // (an empty list would mean "all of them").
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', 0);
    const [pool] = Object.values(template.findResources('AWS::Cognito::UserPool'));
    const schema = (pool?.Properties.Schema ?? []) as { Name: string }[];
    expect(schema.filter((attribute) => !STANDARD_ATTRIBUTES.has(attribute.Name))).toEqual([]);
    // The API's own client (SRP) and the console's (managed login).
    const clients = Object.values(template.findResources('AWS::Cognito::UserPoolClient'));
    expect(clients).toHaveLength(2);
    for (const client of clients) {
      expect(client.Properties.WriteAttributes).toEqual(['name']);
    }
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameConfiguration: { CaseSensitive: false },
    });
  });

  it('lets only the administration function manage accounts, in this user pool only', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const cognitoStatements = Object.entries(policies).flatMap(([id, p]) =>
      (p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((s) => [s.Action].flat().some((a) => a.startsWith('cognito-idp:')))
        .map((s) => ({ id, actions: [s.Action].flat(), resource: s.Resource })),
    );
    expect(cognitoStatements.map((s) => s.id.replace(/ServiceRole.*/, ''))).toEqual(['Fnadmin']);
    expect(cognitoStatements[0]?.actions.sort()).toEqual([
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminEnableUser',
      'cognito-idp:AdminGetUser',
    ]);
    const [poolId] = Object.keys(template.findResources('AWS::Cognito::UserPool'));
    expect(cognitoStatements[0]?.resource).toEqual({ 'Fn::GetAtt': [poolId, 'Arn'] });
  });
});

/** The logical id of a construct's resource in the template. */
function idOf(construct: IConstruct | undefined): string {
  if (!construct) throw new Error('no such construct');
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

/** The one resource of a type, with its logical id. */
function onlyResource(type: string): [string, { Properties: Record<string, unknown> }] {
  const found = Object.entries(template.findResources(type));
  expect(found, type).toHaveLength(1);
  return found[0] as [string, { Properties: Record<string, unknown> }];
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every IAM policy statement of the template, with the policy it belongs to. */
function statements(): { policy: string; statement: Statement }[] {
  return Object.entries(template.findResources('AWS::IAM::Policy')).flatMap(([policy, p]) =>
    (p.Properties.PolicyDocument.Statement as Statement[]).map((statement) => ({ policy, statement })),
  );
}

/** The role of a function: the policies attached to it are the function's permissions. */
function roleOf(functionId: string): string {
  return template.toJSON().Resources[functionId]?.Properties.Role['Fn::GetAtt'][0];
}

/** The role each policy is attached to. */
function roleOfPolicy(policy: string): string {
  return template.toJSON().Resources[policy]?.Properties.Roles[0].Ref;
}

describe('the mail side of the CDK stack (DESIGN.md §7)', () => {
  it('gives the table a stream of new images, which is all the dispatcher reads', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
  });

  it('feeds the dispatcher from the stream: new outbox items only, ten at a time, failures reported one by one, then the queue', () => {
    const [queueId] = onlyResource('AWS::SQS::Queue');
    const [, mapping] = onlyResource('AWS::Lambda::EventSourceMapping');
    const [tableId] = onlyResource('AWS::DynamoDB::GlobalTable');
    expect(mapping.Properties).toMatchObject({
      FunctionName: { Ref: idOf(stack.mailFunctions.get('dispatch')) },
      EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    // A few hours: long enough to ride out an SES outage, short of the stream's 24 h retention.
    const maxAge = mapping.Properties.MaximumRecordAgeInSeconds as number;
    expect(maxAge).toBeGreaterThanOrEqual(3600);
    expect(maxAge).toBeLessThan(24 * 3600);
    const filters = (mapping.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { kind: { S: ['outbox'] } } } },
    ]);
  });

  it('keeps the failures queue encrypted, over TLS only, for 14 days, and alarms on each new message', () => {
    const [queueId, queue] = onlyResource('AWS::SQS::Queue');
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86400,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    const queueAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.Namespace === 'AWS/SQS',
    );
    expect(queueAlarms).toHaveLength(1);
    const alarm = queueAlarms[0] as (typeof queueAlarms)[number];
    expect(alarm.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'NumberOfMessagesSent',
      Statistic: 'Sum',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
    });
    // The alarm goes to a topic, encrypted with a key CloudWatch may use.
    const [action] = alarm.Properties.AlarmActions as { Ref: string }[];
    const topic = template.toJSON().Resources[action?.Ref ?? ''];
    expect(topic?.Type).toBe('AWS::SNS::Topic');
    expect(topic?.Properties.KmsMasterKeyId).toBeDefined();
  });

  it('alarms on the first failed run of the sweep or of the daily job', () => {
    const lambdaAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.Namespace === 'AWS/Lambda',
    );
    const watched = lambdaAlarms.map((a) => {
      expect(a.Properties).toMatchObject({ MetricName: 'Errors', Threshold: 1, EvaluationPeriods: 1 });
      return a.Properties.Dimensions[0].Value.Ref;
    });
    expect(watched.sort()).toEqual(
      [idOf(stack.mailFunctions.get('sweep')), idOf(stack.mailFunctions.get('daily-job'))].sort(),
    );
  });

  it('runs the sweep every five minutes and the daily job at 08:00 Europe/Paris for its scheduled time', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    const of = (name: string) =>
      schedules.find(
        (s) => s.Properties.Target.Arn['Fn::GetAtt']?.[0] === idOf(stack.mailFunctions.get(name)),
      )?.Properties;
    expect(schedules).toHaveLength(2);
    expect(of('sweep')).toMatchObject({
      ScheduleExpression: 'rate(5 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    const daily = of('daily-job');
    expect(daily).toMatchObject({
      ScheduleExpression: 'cron(0 8 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: { RetryPolicy: { MaximumRetryAttempts: expect.any(Number) } },
    });
    expect(daily?.Target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(JSON.parse(daily?.Target.Input)).toEqual({ at: '<aws.scheduler.scheduled-time>' });
  });

  it('lets the scheduler’s role invoke the sweep and the daily job, and nothing else', () => {
    const roles = new Set(
      Object.values(template.findResources('AWS::Scheduler::Schedule')).map(
        (s) => s.Properties.Target.RoleArn['Fn::GetAtt'][0] as string,
      ),
    );
    expect(roles.size).toBe(1);
    const [role] = roles;
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })],
      },
    });
    const granted = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    expect(new Set(granted.flatMap((s) => [s.Action].flat()))).toEqual(new Set(['lambda:InvokeFunction']));
    // Each resource is a function's ARN, or its versions (`<arn>:*`).
    const functionsOf = granted
      .flatMap((s) => [s.Resource].flat())
      .map((r) => JSON.stringify(r).match(/"(Fn[A-Za-z0-9]+)","Arn"/)?.[1]);
    expect(new Set(functionsOf)).toEqual(
      new Set([idOf(stack.mailFunctions.get('sweep')), idOf(stack.mailFunctions.get('daily-job'))]),
    );
  });

  it('reports bounces and complaints through a configuration set to an encrypted topic the bounce function subscribes to', () => {
    const [configurationSetId] = onlyResource('AWS::SES::ConfigurationSet');
    const [, destination] = onlyResource('AWS::SES::ConfigurationSetEventDestination');
    expect(destination.Properties.ConfigurationSetName).toEqual({ Ref: configurationSetId });
    const event = destination.Properties.EventDestination as {
      Enabled: boolean;
      MatchingEventTypes: string[];
      SnsDestination: { TopicARN: { Ref: string } };
    };
    expect(event.Enabled).toBe(true);
    expect([...event.MatchingEventTypes].sort()).toEqual(['bounce', 'complaint']);
    const topicId = event.SnsDestination.TopicARN.Ref;
    const resources = template.toJSON().Resources;
    const keyId = resources[topicId]?.Properties.KmsMasterKeyId?.['Fn::GetAtt']?.[0];
    expect(resources[keyId]?.Type).toBe('AWS::KMS::Key');
    expect(resources[keyId]?.Properties.EnableKeyRotation).toBe(true);
    // SES may publish to the topic and use its key.
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'ses.amazonaws.com' },
          }),
        ]),
      },
    });
    expect(JSON.stringify(resources[keyId]?.Properties.KeyPolicy)).toContain('ses.amazonaws.com');
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: topicId },
      Endpoint: { 'Fn::GetAtt': [idOf(stack.mailFunctions.get('bounce')), 'Arn'] },
    });
  });

  it('gives the mail functions the configuration set, the console’s URL, the contact and the tenant, and no API secret', () => {
    const [configurationSetId] = onlyResource('AWS::SES::ConfigurationSet');
    const [distributionId] = onlyResource('AWS::CloudFront::Distribution');
    const resources = template.toJSON().Resources;
    for (const name of ['dispatch', 'sweep', 'daily-job']) {
      const variables = resources[idOf(stack.mailFunctions.get(name))]?.Properties.Environment.Variables;
      expect(variables, name).toMatchObject({
        SES_CONFIGURATION_SET: { Ref: configurationSetId },
        // No appUrl given: the console's own URL, CloudFront's domain.
        APP_URL: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] },
        MAIL_CONTACT: expect.stringContaining('@'),
        MAIL_FROM: 'ne-pas-repondre@renfort.example.org',
        TENANTS: 'caf13',
      });
      expect(variables.CURSOR_SECRET, name).toBeUndefined();
    }
  });

  it('lets the three mail senders send from the domain identity through the configuration set, and no one ses:* on *', () => {
    const ses = statements().filter(({ statement }) =>
      [statement.Action].flat().some((a) => a.startsWith('ses:')),
    );
    for (const { policy, statement } of ses) {
      expect([statement.Action].flat(), policy).not.toContain('ses:*');
      expect([statement.Resource].flat(), policy).not.toContain('*');
    }
    const senders = ['dispatch', 'sweep', 'daily-job'].map((name) => idOf(stack.mailFunctions.get(name)));
    expect(new Set(ses.map(({ policy }) => roleOfPolicy(policy)))).toEqual(new Set(senders.map(roleOf)));
    const [identityId] = onlyResource('AWS::SES::EmailIdentity');
    const [configurationSetId] = onlyResource('AWS::SES::ConfigurationSet');
    for (const { policy, statement } of ses) {
      expect([statement.Action].flat().sort(), policy).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      const resources = [statement.Resource].flat().map((r) => JSON.stringify(r));
      expect(resources, policy).toHaveLength(2);
      expect(
        resources.find((r) => r.includes(':identity/')),
        policy,
      ).toContain(`{"Ref":"${identityId}"}`);
      expect(
        resources.find((r) => r.includes(':configuration-set/')),
        policy,
      ).toContain(`{"Ref":"${configurationSetId}"}`);
    }
  });

  it('lets the bounce function update the table but not read it', () => {
    const bounce = idOf(stack.mailFunctions.get('bounce'));
    const actions = statements()
      .filter(({ policy }) => roleOfPolicy(policy) === roleOf(bounce))
      .flatMap(({ statement }) => [statement.Action].flat());
    expect(actions).toContain('dynamodb:UpdateItem');
    expect(
      actions.filter((a) => ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'].includes(a)),
    ).toEqual([]);
    expect(actions.filter((a) => a.startsWith('ses:') || a.startsWith('s3:'))).toEqual([]);
  });
});
