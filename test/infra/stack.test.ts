import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
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
    allowedOrigins: ['https://renfort.example.org'],
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
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs22.x' }, groups.size + 1);
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
    const clients = Object.values(template.findResources('AWS::Cognito::UserPoolClient'));
    expect(clients).toHaveLength(1);
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
