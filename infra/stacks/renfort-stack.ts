import { join } from 'node:path';
import {
  type CfnElement,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccountRecovery, ClientAttributes, UserPool } from 'aws-cdk-lib/aws-cognito';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { STAGING_PREFIX } from '../../shared/domain/document.ts';
import type { Permission, RouteSpec } from '../../shared/http/routes.ts';
import { TABLE_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/store/table.ts';
import { writeGroupEntries } from './group-entries.ts';

export interface RenfortStackProps extends StackProps {
  routes: RouteSpec[];
  repoRoot: string;
  /** Domain whose SES identity sends Renfort's mail. */
  mailDomain: string;
  /** Key that signs listing cursors; rotating it only invalidates cursors in flight. */
  cursorSecret: string;
  /** Web origins allowed to upload and download documents from a browser. */
  allowedOrigins: string[];
}

/**
 * Renfort on AWS: the same handlers as the local stack, behind an HTTP API whose JWT
 * authorizer trusts the Cognito user pool; one table, one encrypted bucket, SES for mail.
 */
export class RenfortStack extends Stack {
  readonly functions = new Map<string, NodejsFunction>();

  constructor(scope: Construct, id: string, props: RenfortStackProps) {
    super(scope, id, props);
    const { routes, repoRoot, mailDomain, cursorSecret } = props;

    const table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: TABLE_INDEXES.map((idx) => ({
        indexName: idx.indexName,
        partitionKey: { name: idx.partitionKey, type: AttributeType.STRING },
        sortKey: { name: idx.sortKey, type: AttributeType.STRING },
      })),
    });

    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const documents = new Bucket(this, 'Documents', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'documents/',
      removalPolicy: RemovalPolicy.RETAIN,
      // Uploads land under incoming/ until confirm copies them to their key: what is never confirmed
      // (and each staging object once copied) goes after a day, old versions and partial uploads too.
      lifecycleRules: [
        {
          id: 'expire-unconfirmed-uploads',
          prefix: STAGING_PREFIX,
          expiration: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Browsers POST files straight to the bucket with a presigned policy, and fetch them with a presigned GET.
      cors: [
        {
          allowedMethods: [HttpMethods.POST, HttpMethods.GET],
          allowedOrigins: props.allowedOrigins,
          allowedHeaders: ['*'],
          maxAge: 3600,
        },
      ],
    });

    // Cognito says who a user is, nothing more: no custom attribute, no group. Memberships (tenant,
    // role, organisation) live in the table, administered by the coordination through the API.
    const userPool = new UserPool(this, 'Users', {
      signInAliases: { email: true },
      signInCaseSensitive: false,
      selfSignUpEnabled: false,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      passwordPolicy: { minLength: 12, requireDigits: true, requireSymbols: true, requireUppercase: true },
      userInvitation: {
        emailSubject: 'Votre accès à Renfort',
        emailBody:
          'Bonjour,<br><br>La coordination de la Caf vous a ouvert un accès à Renfort, la mission de soutien ' +
          'technique renforcé.<br>Identifiant : {username}<br>Mot de passe provisoire : {####}<br><br>' +
          'Vous choisirez votre mot de passe à la première connexion.',
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const client = userPool.addClient('ApiClient', {
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      // An empty list would mean "unspecified", which leaves every mutable attribute writable by
      // its user: name the one a user may edit. The email, their identity, stays the
      // coordination's (it is what the invitation was sent to).
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    });

    const mail = new EmailIdentity(this, 'MailIdentity', { identity: Identity.domain(mailDomain) });

    const api = new HttpApi(this, 'Api', { description: 'Renfort API', createDefaultStage: true });
    const authorizer = new HttpUserPoolAuthorizer('Cognito', userPool, { userPoolClients: [client] });

    const entries = writeGroupEntries(routes, repoRoot, join(repoRoot, 'cdk.out', 'entries'));
    const fn = (name: string, entry: string) => {
      const f = new NodejsFunction(this, `Fn-${name}`, {
        entry,
        runtime: Runtime.NODEJS_22_X,
        architecture: Architecture.ARM_64,
        memorySize: 512,
        timeout: Duration.seconds(10),
        tracing: Tracing.ACTIVE,
        logGroup: new LogGroup(this, `Logs-${name}`, { retention: RetentionDays.SIX_MONTHS }),
        projectRoot: repoRoot,
        depsLockFilePath: join(repoRoot, 'package-lock.json'),
        environment: {
          TABLE_NAME: table.tableName,
          BUCKET_NAME: documents.bucketName,
          MAIL_FROM: `ne-pas-repondre@${mailDomain}`,
          CURSOR_SECRET: cursorSecret,
          USER_POOL_ID: userPool.userPoolId,
          POWERTOOLS_SERVICE_NAME: 'renfort',
          NODE_OPTIONS: '--enable-source-maps',
        },
        bundling: {
          format: OutputFormat.ESM,
          target: 'node22',
          minify: true,
          sourceMap: true,
          // The SDK is bundled at the versions the tests ran with, not the runtime's.
          externalModules: [],
          tsconfig: join(repoRoot, 'tsconfig.json'),
          banner:
            "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        },
      });
      this.functions.set(name, f);
      return f;
    };

    /** Confirmed documents, and the staging prefix uploads go to first. */
    const DOCUMENT_PREFIXES = ['centres/*', `${STAGING_PREFIX}*`];
    const grants: Record<Permission, (f: NodejsFunction) => void> = {
      'table:read': (f) => table.grantReadData(f),
      'table:write': (f) => table.grantWriteData(f),
      'documents:read': (f) => {
        // Without ListBucket, S3 answers 403 instead of 404 for a missing key (a staging object
        // never posted must be a 404 to confirm's CopyObject).
        f.addToRolePolicy(
          new PolicyStatement({
            actions: ['s3:ListBucket'],
            resources: [documents.bucketArn],
            conditions: { StringLike: { 's3:prefix': DOCUMENT_PREFIXES } },
          }),
        );
        f.addToRolePolicy(
          new PolicyStatement({
            actions: ['s3:GetObject', 's3:GetObjectVersion'],
            resources: DOCUMENT_PREFIXES.map((prefix) => documents.arnForObjects(prefix)),
          }),
        );
      },
      // The presigned POST is signed by the function's role (PutObject on incoming/), confirm copies
      // to centres/ and deletes what it refuses or has copied.
      'documents:write': (f) =>
        f.addToRolePolicy(
          new PolicyStatement({
            actions: ['s3:PutObject', 's3:DeleteObject'],
            resources: DOCUMENT_PREFIXES.map((prefix) => documents.arnForObjects(prefix)),
          }),
        ),
      'users:admin': (f) =>
        f.addToRolePolicy(
          new PolicyStatement({
            actions: [
              'cognito-idp:AdminCreateUser',
              'cognito-idp:AdminGetUser',
              'cognito-idp:AdminEnableUser',
              'cognito-idp:AdminDisableUser',
            ],
            resources: [userPool.userPoolArn],
          }),
        ),
      'mail:send': (f) =>
        f.addToRolePolicy(
          new PolicyStatement({
            actions: ['ses:SendEmail', 'ses:SendRawEmail'],
            resources: [mail.emailIdentityArn],
          }),
        ),
    };

    for (const [group, entry] of entries) {
      const f = fn(group, entry);
      const members = routes.filter((r) => r.group === group);
      for (const permission of new Set(members.flatMap((r) => r.permissions))) grants[permission](f);
      const integration = new HttpLambdaIntegration(`Integration-${group}`, f);
      for (const route of members) {
        new HttpRoute(this, `Route-${route.operationId}`, {
          httpApi: api,
          routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
          integration,
          ...(route.auth === 'jwt' && { authorizer }),
        });
      }
    }
    // Paths outside the table, and known paths with another method: 404 / 405 as problem+json.
    const fallback = fn('fallback', join(repoRoot, 'functions/api/fallback.handler.ts'));
    new HttpRoute(this, 'Route-default', {
      httpApi: api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('Integration-fallback', fallback),
    });

    const logicalId = (construct: Construct) => this.getLogicalId(construct.node.defaultChild as CfnElement);
    const iam5 = (finding: string) => `AwsSolutions::AwsSolutions-IAM5[${finding}]`;
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The minimal managed policy for a function to write its own logs.',
      },
      { id: iam5('Resource::*'), reason: 'X-Ray PutTraceSegments has no resource-level permission.' },
      {
        id: iam5(`Resource::<${logicalId(table)}.Arn>/index/*`),
        reason: 'Queries on the table’s own indexes (the cases listings).',
      },
      {
        id: iam5(`Resource::<${logicalId(documents)}.Arn>/centres/*`),
        reason:
          'Objects under the centres/ prefix of the one documents bucket; each key is checked by the API.',
      },
      {
        id: iam5(`Resource::<${logicalId(documents)}.Arn>/${STAGING_PREFIX}*`),
        reason:
          'Uploads staged under incoming/ (expired after a day), each key signed and checked by the API.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-COG2',
        reason: 'MFA will come from the identity federation chosen by the Caf.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-COG3',
        reason: 'Threat protection is a paid Cognito plan, for the Caf to decide.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-COG8',
        reason: 'The Plus feature plan is a cost decision left to the Caf.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-APIG1',
        reason: 'HTTP API stage access logs come with the observability issue.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-APIG4',
        reason: 'Only /health, /openapi.json and the 404/405 fallback are public.',
      },
      { id: 'AwsSolutions::AwsSolutions-L1', reason: 'Node.js 22 is the runtime the code is tested for.' },
    );

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: client.userPoolClientId });
    // For `npm run bootstrap` (the first coordinateur, the referentiel) after a deployment.
    new CfnOutput(this, 'TableName', { value: table.tableName });
  }
}
