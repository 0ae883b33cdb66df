import { join, resolve } from 'node:path';
import {
  type CfnElement,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  TimeZone,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  ClientAttributes,
  ManagedLoginVersion,
  OAuthScope,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  FilterCriteria,
  FilterRule,
  Runtime,
  StartingPosition,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SnsEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
  TimeWindow,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import {
  ConfigurationSet,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { STAGING_PREFIX } from '../../shared/domain/document.ts';
import type { Permission, RouteSpec } from '../../shared/http/routes.ts';
import { TABLE_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/store/table.ts';
import { bundlingOf, type MailFunction, mailEntry, stackEntriesDir } from './bundling.ts';
import { ConsoleHosting } from './console-hosting.ts';
import { writeFallbackEntry, writeGroupEntries } from './group-entries.ts';

export interface RenfortStackProps extends StackProps {
  routes: RouteSpec[];
  repoRoot: string;
  /** Domain whose SES identity sends Renfort's mail. */
  mailDomain: string;
  /** Key that signs listing cursors; rotating it only invalidates cursors in flight. */
  cursorSecret: string;
  /**
   * Web origins, besides the console's own, allowed to call the API and to upload and download
   * documents from a browser (none is needed for the console).
   */
  allowedOrigins: string[];
  /**
   * Where the console is: every mail links to `{appUrl}/dossiers/{caseId}`. Defaults to the
   * `appUrl` context value, else the console's URL (its own domain, or CloudFront's).
   */
  appUrl?: string;
  /** The console (DESIGN.md §8) in AWS; each setting defaults to its context value. */
  console?: ConsoleSettings;
  /** How to reach the service in charge, said in every mail. Defaults to the `mailContact` context value. */
  mailContact?: string;
}

export interface ConsoleSettings {
  /**
   * The console's build (index.html, assets/), uploaded by the deployment when it exists.
   * Context `consoleDist`; `web/dist` (what `npm run build:web` writes) otherwise.
   */
  distDir?: string;
  /**
   * The console's own domain name (context `consoleDomain`), served with `certificateArn`
   * (context `consoleCertificateArn`: an ACM certificate in us-east-1). Without it, the console
   * is at the CloudFront distribution's domain.
   */
  domainName?: string;
  certificateArn?: string;
  /**
   * The prefix of the Cognito domain of the managed login, `https://<prefix>.auth.<region>.amazoncognito.com`
   * (context `cognitoDomainPrefix`); `<stack name>-<account id>` otherwise, unique in the region.
   */
  cognitoDomainPrefix?: string;
}

/** The tenants the sweep and the daily job go through (DESIGN.md §5: one Caf today). */
const TENANTS = ['caf13'];

/**
 * Renfort on AWS: the same handlers as the local stack, behind an HTTP API whose JWT
 * authorizer trusts the Cognito user pool; one table, one encrypted bucket, SES for mail.
 */
/**
 * Memory of each function, chosen from measurement (README, Performance: `npm run bench:memory`
 * and `npm run bench:bundles`). Lambda gives CPU in proportion to memory (one vCPU at 1,769 MB)
 * and these handlers are CPU-bound: a cold start is the bundle's import, 0.1 to 0.2 s of CPU here,
 * and a warm request 4 to 8 ms of CPU around 4 to 16 ms of waits on DynamoDB.
 * - API functions, 1,024 MB: someone waits on each answer, and with a few dozen cases most
 *   requests meet a cold container; its import takes 1.7 times its CPU time, not 3.5 times at
 *   512 MB, for a cost per request about 40 % higher on a bill that stays negligible.
 * - Public and fallback, 256 MB: no SDK, nothing to import but the answer.
 * - Mail functions, 512 MB: nobody waits on them; their time is SES's and DynamoDB's.
 */
const MEMORY_MB = { api: 1024, public: 256, mail: 512 } as const;

export class RenfortStack extends Stack {
  /** The API's functions: one per route group, and the fallback. */
  readonly functions = new Map<string, NodejsFunction>();
  /** The mail functions (DESIGN.md §7): dispatch, sweep, daily-job, bounce. */
  readonly mailFunctions = new Map<string, NodejsFunction>();
  /** The console's bucket and distribution. */
  readonly consoleSite: ConsoleHosting;
  /** The Cognito app client of the console (managed login, authorization code with PKCE). */
  readonly consoleClient: UserPoolClient;

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
      // The mail dispatcher reads new outbox items from the stream; it needs the new image only.
      dynamoStream: StreamViewType.NEW_IMAGE,
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
    // The console (DESIGN.md §8): its origin is the one the API, the documents bucket and the
    // Cognito client below let in.
    const setting = (key: keyof ConsoleSettings, context: string): string | undefined =>
      props.console?.[key] ?? this.node.tryGetContext(context);
    const consoleDomain = setting('domainName', 'consoleDomain');
    const certificateArn = setting('certificateArn', 'consoleCertificateArn');
    if (
      certificateArn &&
      !Token.isUnresolved(certificateArn) &&
      certificateArn.split(':')[3] !== 'us-east-1'
    ) {
      throw new Error(
        `The console's certificate must be in us-east-1 (CloudFront's region): ${certificateArn}`,
      );
    }
    this.consoleSite = new ConsoleHosting(this, 'Console', {
      accessLogs,
      domainName: consoleDomain,
      certificate: certificateArn
        ? Certificate.fromCertificateArn(this, 'ConsoleCertificate', certificateArn)
        : undefined,
    });
    const consoleUrl = `${this.consoleSite.origin}/`;
    /** Browser origins allowed to call the API and to use documents: the console's, and any given. */
    const browserOrigins = [this.consoleSite.origin, ...props.allowedOrigins];

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
          allowedOrigins: browserOrigins,
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
      // Sign-in through the API only (SRP): without this, CDK would allow the implicit and code
      // grants to https://example.com, which the managed login domain below would serve.
      disableOAuth: true,
    });
    // The console signs in with Cognito's managed login: authorization code with PKCE, a public
    // client (no secret, nothing a browser could keep), redirected back to the console only.
    this.consoleClient = userPool.addClient('ConsoleClient', {
      generateSecret: false,
      // No password sent to the API by the console: the managed login takes it; refresh tokens only.
      authFlows: { userSrp: false },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [consoleUrl],
        logoutUrls: [consoleUrl],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    });
    const cognitoDomainPrefix =
      setting('cognitoDomainPrefix', 'cognitoDomainPrefix') ??
      `${this.stackName.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${this.account}`;
    if (
      !Token.isUnresolved(cognitoDomainPrefix) &&
      !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(cognitoDomainPrefix)
    ) {
      throw new Error(
        `cognitoDomainPrefix ${cognitoDomainPrefix}: lower-case letters, digits and hyphens, at most 63, not at either end`,
      );
    }
    // Managed login (not the classic hosted UI): it speaks French (`lang=fr`) and needs a style
    // per client; Cognito's own is used.
    const loginDomain = userPool.addDomain('ConsoleLogin', {
      cognitoDomain: { domainPrefix: cognitoDomainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    new CfnManagedLoginBranding(this, 'ConsoleLoginBranding', {
      userPoolId: userPool.userPoolId,
      clientId: this.consoleClient.userPoolClientId,
      useCognitoProvidedValues: true,
    }).node.addDependency(loginDomain);
    const loginUrl = loginDomain.baseUrl();
    const cognitoIdp = `https://cognito-idp.${this.region}.${this.urlSuffix}`;

    const mail = new EmailIdentity(this, 'MailIdentity', { identity: Identity.domain(mailDomain) });

    const api = new HttpApi(this, 'Api', {
      description: 'Renfort API',
      createDefaultStage: true,
      // Browsers may call it from the console's origin only, and from any allowedOrigins (API
      // Gateway answers the preflight itself). Bearer tokens, no cookie: no credentials.
      corsPreflight: {
        allowOrigins: browserOrigins,
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.PATCH],
        allowHeaders: ['authorization', 'content-type', 'if-match', 'idempotency-key'],
        exposeHeaders: ['etag'],
        maxAge: Duration.hours(1),
      },
    });
    // The audience: tokens of either client (the console's, and the API's own SRP client).
    const authorizer = new HttpUserPoolAuthorizer('Cognito', userPool, {
      userPoolClients: [client, this.consoleClient],
    });

    // What the console's scripts may call (its Content-Security-Policy), and what it reads at start.
    this.consoleSite.allowConnectionsTo(
      api.apiEndpoint,
      `https://${documents.bucketRegionalDomainName}`,
      loginUrl,
      // oidc-client-ts reads the issuer's discovery document there.
      cognitoIdp,
    );
    this.consoleSite.allowFormActionsTo(loginUrl);
    this.consoleSite.deploy(resolve(setting('distDir', 'consoleDist') ?? join(repoRoot, 'web', 'dist')), {
      auth: 'cognito',
      apiUrl: api.apiEndpoint,
      authority: `${cognitoIdp}/${userPool.userPoolId}`,
      clientId: this.consoleClient.userPoolClientId,
      domain: loginUrl,
      redirectUri: consoleUrl,
      logoutUri: consoleUrl,
    });

    const entries = writeGroupEntries(routes, repoRoot, stackEntriesDir(repoRoot));
    /** What the API functions need besides the shared configuration; the mail functions get theirs. */
    const apiEnvironment = { CURSOR_SECRET: cursorSecret, USER_POOL_ID: userPool.userPoolId };
    const fn = (
      name: string,
      entry: string,
      options: { timeout?: Duration; environment?: Record<string, string>; memoryMb?: number } = {},
    ) => {
      const f = new NodejsFunction(this, `Fn-${name}`, {
        entry,
        runtime: Runtime.NODEJS_22_X,
        architecture: Architecture.ARM_64,
        memorySize: options.memoryMb ?? MEMORY_MB.api,
        timeout: options.timeout ?? Duration.seconds(10),
        tracing: Tracing.ACTIVE,
        logGroup: new LogGroup(this, `Logs-${name}`, { retention: RetentionDays.SIX_MONTHS }),
        projectRoot: repoRoot,
        depsLockFilePath: join(repoRoot, 'package-lock.json'),
        environment: {
          TABLE_NAME: table.tableName,
          // Required by the shared configuration; only the grants below give access to the bucket.
          BUCKET_NAME: documents.bucketName,
          MAIL_FROM: `ne-pas-repondre@${mailDomain}`,
          ...(options.environment ?? apiEnvironment),
          POWERTOOLS_SERVICE_NAME: 'renfort',
          NODE_OPTIONS: '--enable-source-maps',
        },
        // ESM, minified, the SDK bundled; test/bench/bundles.ts builds with the same settings.
        bundling: bundlingOf(repoRoot),
      });
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
      const f = fn(group, entry, { memoryMb: group === 'public' ? MEMORY_MB.public : MEMORY_MB.api });
      this.functions.set(group, f);
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
    const fallback = fn('fallback', writeFallbackEntry(routes, repoRoot, stackEntriesDir(repoRoot)), {
      memoryMb: MEMORY_MB.public,
    });
    this.functions.set('fallback', fallback);
    new HttpRoute(this, 'Route-default', {
      httpApi: api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('Integration-fallback', fallback),
    });

    // ----- Mail (DESIGN.md §7): outbox items committed with each change are sent after it. -----

    const appUrlSetting: string | undefined = props.appUrl ?? this.node.tryGetContext('appUrl');
    const appUrl = appUrlSetting ? new URL(appUrlSetting).href.replace(/\/+$/, '') : this.consoleSite.origin;
    const mailContact: string =
      props.mailContact ?? this.node.tryGetContext('mailContact') ?? 'coordination@caf13.example.org';

    // SES and CloudWatch publish to the topics below; the AWS managed SNS key lets neither of them
    // use it, so the topics share one key of ours whose policy names those two services.
    const topicsKey = new Key(this, 'TopicsKey', {
      description: 'Encrypts the SES mail events and alarms topics',
      enableKeyRotation: true,
    });
    for (const service of ['ses.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      topicsKey.addToResourcePolicy(
        new PolicyStatement({
          actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          principals: [new ServicePrincipal(service)],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      );
    }
    const alarms = new Topic(this, 'Alarms', {
      displayName: 'Renfort alarms',
      masterKey: topicsKey,
      enforceSSL: true,
    });

    // Bounces and complaints come back through the configuration set, which every send names;
    // the bounce function marks the mail `failed` in its log. Deliveries are not reported.
    const configurationSet = new ConfigurationSet(this, 'MailConfigurationSet', {
      reputationMetrics: true,
    });
    const mailEvents = new Topic(this, 'MailEvents', {
      displayName: 'Renfort SES bounces and complaints',
      masterKey: topicsKey,
      enforceSSL: true,
    });
    configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: EventDestination.snsTopic(mailEvents),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    const configurationSetArn = this.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: configurationSet.configurationSetName,
    });

    const mailEnvironment = {
      APP_URL: appUrl,
      MAIL_CONTACT: mailContact,
      TENANTS: TENANTS.join(','),
      SES_CONFIGURATION_SET: configurationSet.configurationSetName,
    };
    const mailFn = (name: MailFunction, timeout: Duration) => {
      const f = fn(`mail-${name}`, mailEntry(repoRoot, name), {
        memoryMb: MEMORY_MB.mail,
        timeout,
        environment: mailEnvironment,
      });
      this.mailFunctions.set(name, f);
      return f;
    };
    // Timeouts: ten outbox items of a few mails each (the SDK retries SES throttling within the
    // call); every pending outbox item of a tenant; every due date and digest of the day.
    const dispatch = mailFn('dispatch', Duration.minutes(1));
    const sweep = mailFn('sweep', Duration.minutes(2));
    const dailyJob = mailFn('daily-job', Duration.minutes(5));
    const bounce = mailFn('bounce', Duration.seconds(10));

    // The dispatcher, sweep and daily job update mail log and outbox items and read memberships,
    // the referentiel and due dates; they send from the domain identity through the configuration
    // set only (SES checks both resources when a send names a configuration set).
    for (const f of [dispatch, sweep, dailyJob]) {
      table.grantReadWriteData(f);
      f.addToRolePolicy(
        new PolicyStatement({
          actions: ['ses:SendEmail', 'ses:SendRawEmail'],
          resources: [mail.emailIdentityArn, configurationSetArn],
        }),
      );
    }
    // The bounce function only marks a mail `failed` (one conditional update).
    table.grantWriteData(bounce);
    bounce.addEventSource(new SnsEventSource(mailEvents));

    // A record the dispatcher keeps failing on is retried alone (bisect, partial-batch response),
    // then given up on: its shard position goes to this queue, the outbox item stays pending for
    // the sweep, and the alarm says so. The queue holds stream coordinates, never a mail.
    const dispatchFailures = new Queue(this, 'MailDispatchFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(dispatchFailures).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason:
        'This queue is itself the on-failure destination of the stream; nothing consumes it but an operator.',
    });
    dispatch.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(6),
        onFailure: new SqsDlq(dispatchFailures),
        // Only new outbox items wake the dispatcher, not every write to the table.
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { kind: { S: FilterRule.isEqual('outbox') } } },
          }),
        ],
      }),
    );
    new Alarm(this, 'MailDispatchFailuresAlarm', {
      alarmDescription:
        'The mail dispatcher gave up on stream records (see the MailDispatchFailures queue); the sweep sends their mails again.',
      // New messages, not those visible: nobody reads the queue, so a count of visible messages
      // would stay above the threshold and the alarm would tell of the first failure only.
      metric: dispatchFailures.metricNumberOfMessagesSent({
        period: Duration.minutes(5),
        statistic: 'Sum',
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new SnsAction(alarms));
    // The sweep and the daily job run unattended: a failed run (the mail service down, a bug) alarms too.
    for (const [id, fn, what] of [
      ['MailSweepErrorsAlarm', sweep, 'The outbox sweep failed'],
      ['DailyJobErrorsAlarm', dailyJob, 'The daily job (reminders, overdue notices, digests) failed'],
    ] as const) {
      new Alarm(this, id, {
        alarmDescription: `${what}: see its logs.`,
        metric: fn.metricErrors({ period: Duration.minutes(15), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new SnsAction(alarms));
    }

    // EventBridge Scheduler runs the sweep and the daily job; its one role may invoke these two only.
    const schedulerRole = new Role(this, 'MailSchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    new Schedule(this, 'MailSweepSchedule', {
      description: 'Sends again the outbox items the stream left pending',
      schedule: ScheduleExpression.rate(Duration.minutes(5)),
      // No retry: the next run, five minutes later, is the retry.
      target: new LambdaInvoke(sweep, {
        role: schedulerRole,
        retryAttempts: 0,
        maxEventAge: Duration.minutes(5),
      }),
      timeWindow: TimeWindow.off(),
    });
    new Schedule(this, 'MailDailyJobSchedule', {
      description: 'Reminders, overdue notices, escalations and digests (DESIGN.md §7)',
      schedule: ScheduleExpression.expression('cron(0 8 * * ? *)', TimeZone.EUROPE_PARIS),
      // The job runs for the day it was scheduled, even if it starts late; running it twice sends nothing twice.
      target: new LambdaInvoke(dailyJob, {
        role: schedulerRole,
        input: ScheduleTargetInput.fromObject({ at: ContextAttribute.scheduledTime }),
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
      }),
      timeWindow: TimeWindow.off(),
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
      ...[sweep, dailyJob].map((f) => ({
        id: iam5(`Resource::<${logicalId(f)}.Arn>:*`),
        reason:
          'The scheduler may invoke the versions of this one function (what Lambda grantInvoke grants).',
      })),
    );

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: client.userPoolClientId });
    new CfnOutput(this, 'ConsoleUrl', { value: consoleUrl, description: 'The console (sign in there)' });
    new CfnOutput(this, 'ConsoleClientId', { value: this.consoleClient.userPoolClientId });
    new CfnOutput(this, 'ConsoleLoginDomain', { value: loginUrl, description: "Cognito's managed login" });
    if (consoleDomain) {
      new CfnOutput(this, 'ConsoleDistributionDomain', {
        value: this.consoleSite.distribution.distributionDomainName,
        description: `Where the DNS name ${consoleDomain} points (CNAME, or an alias record)`,
      });
    }
    // For `npm run bootstrap` (the first coordinateur, the referentiel) after a deployment.
    new CfnOutput(this, 'TableName', { value: table.tableName });
    // Subscribe whoever watches the mail (an e-mail address, a chat webhook) to this topic.
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topicArn });
  }
}
