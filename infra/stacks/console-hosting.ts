import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  Annotations,
  type CfnElement,
  CustomResource,
  CustomResourceProvider,
  CustomResourceProviderRuntime,
  Duration,
  Lazy,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  type CfnResponseHeadersPolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

export interface ConsoleHostingProps {
  /** Where the bucket's server access logs and the distribution's standard logs go. */
  accessLogs: IBucket;
  /**
   * The console's own domain name (an alias of the distribution), with its certificate. Without
   * it, the console is at the distribution's `*.cloudfront.net` domain.
   */
  domainName?: string;
  /** The certificate of `domainName`: an ACM certificate in us-east-1, as CloudFront requires. */
  certificate?: ICertificate;
}

/** What the console reads from `/config.json` in AWS (web/src/config.ts). */
export interface ConsoleConfig {
  auth: 'cognito';
  apiUrl: string;
  authority: string;
  clientId: string;
  domain: string;
  redirectUri: string;
  logoutUri: string;
}

/** The Content-Security-Policy of the console, given the origins its scripts call and post forms to. */
export function consoleContentSecurityPolicy(connectSrc: string[], formAction: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    ["connect-src 'self'", ...connectSrc].join(' '),
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    ["form-action 'self'", ...formAction].join(' '),
  ].join('; ');
}

/** Hashed file names: a file under assets/ never changes, so browsers and CloudFront keep it a year. */
const ASSETS_CACHE = [
  CacheControl.setPublic(),
  CacheControl.maxAge(Duration.days(365)),
  CacheControl.immutable(),
];
/** index.html and config.json: checked again on every load, so that a deployment is seen at once. */
const PAGES_CACHE = [CacheControl.noCache()];

/**
 * The console (DESIGN.md §8) in AWS: its static build in a private bucket, read by CloudFront
 * only (origin access control), over HTTPS only, with a strict Content-Security-Policy.
 *
 * The console's origin is also what the API's and the documents bucket's CORS allow, and what
 * the Cognito client redirects to. When it is the distribution's own domain, it is known only
 * once the distribution exists, while the policy must name the API's URL and the documents
 * bucket, whose CORS name the distribution: CloudFormation cannot create that loop. The policy
 * in the template then allows `'self'` only, and a custom resource completes it once the API and
 * the bucket exist (and again after any change to the policy, whose modification time it reads).
 * With `domainName`, the origin is known at synth and the template holds the whole policy.
 */
export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly responseHeadersPolicy: ResponseHeadersPolicy;
  /** `https://<domain>`, without a trailing slash: the console's origin, and its URL. */
  readonly origin: string;
  /** Whether the origin is known only at deployment (the distribution's own domain). */
  readonly originKnownAtDeployment: boolean;
  /** The policy CloudFront ends up sending, whichever way it gets there. */
  readonly contentSecurityPolicy: string;
  private readonly connectSrc: string[] = [];
  private readonly formAction: string[] = [];
  private readonly policyCompletion?: CustomResource;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const { accessLogs, domainName, certificate } = props;
    if (domainName && !certificate) {
      throw new Error(
        `The console's domain ${domainName} needs a certificate (an ACM certificate in us-east-1): pass -c consoleCertificateArn=…`,
      );
    }

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'console/',
      // The build is in the repository: nothing here needs versions; the bucket outlives the stack, as the others do.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.contentSecurityPolicy = Lazy.string({
      produce: () => consoleContentSecurityPolicy(this.connectSrc, this.formAction),
    });
    this.originKnownAtDeployment = !domainName;
    this.responseHeadersPolicy = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Renfort console: strict CSP, HSTS, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: this.originKnownAtDeployment
            ? consoleContentSecurityPolicy([], [])
            : this.contentSecurityPolicy,
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    const origin = S3BucketOrigin.withOriginAccessControl(this.bucket);
    const behavior = {
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      compress: true,
      responseHeadersPolicy: this.responseHeadersPolicy,
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Renfort console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        ...behavior,
        // index.html, config.json and the deep links: CloudFront asks the bucket again each time
        // (their objects say no-cache), so a deployment shows at once without an invalidation.
        cachePolicy: new CachePolicy(this, 'PagesCache', {
          comment: 'Renfort console pages: as the objects say (no-cache)',
          minTtl: Duration.seconds(0),
          defaultTtl: Duration.seconds(0),
          maxTtl: Duration.days(1),
          enableAcceptEncodingGzip: true,
          enableAcceptEncodingBrotli: true,
        }),
      },
      additionalBehaviors: {
        '/assets/*': { ...behavior, cachePolicy: CachePolicy.CACHING_OPTIMIZED },
      },
      // A single-page application: a deep link (/dossiers/…) is no object in the bucket, which
      // answers 403 to CloudFront (it may not list it): the application answers it, with 200.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Its users are in France: the edge locations of Europe (and North America) are enough.
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: accessLogs,
      logFilePrefix: 'console-cloudfront/',
      ...(domainName &&
        certificate && {
          domainNames: [domainName],
          certificate,
          minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
        }),
    });
    this.origin = `https://${domainName ?? this.distribution.distributionDomainName}`;

    if (this.originKnownAtDeployment) {
      this.policyCompletion = this.completePolicyAtDeployment();
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions::AwsSolutions-CFR4',
        reason:
          'With the default *.cloudfront.net certificate CloudFront allows no minimum protocol version; ' +
          'with -c consoleDomain and its certificate, the distribution requires TLS 1.2 (TLSv1.2_2021).',
      });
    }
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-CFR1',
        reason:
          'The console is static files; who may do anything is decided by Cognito and the API. A country ' +
          'restriction would lock out a board member or a funder travelling abroad.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR2',
        reason:
          'The distribution serves static files only, to a few hundred users; the API has its own ' +
          'throttling. A web ACL (about 6 USD a month and more per rule) is a cost decision left to the Caf.',
      },
    );
  }

  /** Lets the console's scripts call these origins (the policy's `connect-src`). */
  allowConnectionsTo(...origins: string[]): void {
    this.connectSrc.push(...origins);
  }

  /** Lets the console's pages post forms to these origins (the policy's `form-action`). */
  allowFormActionsTo(...origins: string[]): void {
    this.formAction.push(...origins);
  }

  /**
   * Uploads the build in `distDir` (index.html, assets/) and writes `config.json`. Without a
   * build there is nothing to upload: the deployment is left out, with a warning, and what an
   * earlier deployment uploaded stays (a deployment keeps its files when it is removed).
   */
  deploy(distDir: string, config: ConsoleConfig): BucketDeployment | undefined {
    if (!existsSync(join(distDir, 'index.html'))) {
      Annotations.of(this).addWarningV2(
        'renfort:console-not-built',
        `The console is not built (no ${join(distDir, 'index.html')}): this deployment leaves the ` +
          "console's bucket as it is. Run `npm run build:web` before `cdk deploy` to publish it.",
      );
      return undefined;
    }
    // Two deployments, neither pruning: the assets first, under assets/, so that the new
    // index.html never names a file not yet there; the previous assets stay for the tabs still open.
    const assetsDir = join(distDir, 'assets');
    const assets = existsSync(assetsDir)
      ? new BucketDeployment(this, 'Assets', {
          sources: [Source.asset(assetsDir)],
          destinationBucket: this.bucket,
          destinationKeyPrefix: 'assets/',
          prune: false,
          cacheControl: ASSETS_CACHE,
          outputObjectKeys: false,
        })
      : undefined;
    const pages = new BucketDeployment(this, 'Pages', {
      sources: [
        Source.asset(distDir, { exclude: ['assets', 'assets/**'] }),
        Source.jsonData('config.json', config),
      ],
      destinationBucket: this.bucket,
      prune: false,
      cacheControl: PAGES_CACHE,
      outputObjectKeys: false,
    });
    if (assets) pages.node.addDependency(assets);
    // The console is published once CloudFront sends the policy that lets it call the API.
    if (this.policyCompletion) pages.node.addDependency(this.policyCompletion);
    const stack = Stack.of(this);
    /** How cdk-nag writes a value: a pseudo parameter as `<AWS::…>`, a known one as it is. */
    const nag = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    const qualifier = this.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? 'hnb659fds';
    const cdkAssets = `cdk-${qualifier}-assets-${nag(stack.account, 'AccountId')}-${nag(stack.region, 'Region')}`;
    const wildcards = [
      ...['GetObject*', 'GetBucket*', 'List*', 'DeleteObject*', 'Abort*'].map(
        (action) => `Action::s3:${action}`,
      ),
      `Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/*`,
      `Resource::arn:<AWS::Partition>:s3:::${cdkAssets}/*`,
    ];
    for (const deployment of [assets, pages]) {
      if (!deployment) continue;
      // Scoped to the role of CDK's deployment handler, which nothing else uses.
      Validations.of(deployment.handlerRole).acknowledge(
        ...wildcards.map((finding) => ({
          id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`,
          reason:
            "CDK's BucketDeployment copies the build from the CDK assets bucket into the console's bucket: " +
            'the objects of these two buckets, and nothing else.',
        })),
        {
          id: 'AwsSolutions::AwsSolutions-L1',
          reason: "The runtime of CDK's BucketDeployment handler is chosen by aws-cdk-lib.",
        },
      );
    }
    return pages;
  }

  /** The custom resource that writes the whole policy once the API and the documents bucket exist. */
  private completePolicyAtDeployment(): CustomResource {
    const stack = Stack.of(this);
    const policyArn = stack.formatArn({
      service: 'cloudfront',
      region: '',
      resource: 'response-headers-policy',
      resourceName: this.responseHeadersPolicy.responseHeadersPolicyId,
    });
    const provider = CustomResourceProvider.getOrCreateProvider(this, 'Custom::RenfortConsolePolicy', {
      codeDirectory: join(import.meta.dirname, 'console-policy'),
      runtime: CustomResourceProviderRuntime.NODEJS_22_X,
      description: "Writes the console's Content-Security-Policy into its CloudFront response headers policy",
      timeout: Duration.minutes(1),
      policyStatements: [
        {
          Effect: 'Allow',
          Action: ['cloudfront:GetResponseHeadersPolicy', 'cloudfront:UpdateResponseHeadersPolicy'],
          Resource: policyArn,
        },
      ],
    });
    const cfn = this.responseHeadersPolicy.node.defaultChild as CfnResponseHeadersPolicy;
    return new CustomResource(this, 'PolicyCompletion', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::RenfortConsolePolicy',
      properties: {
        PolicyId: this.responseHeadersPolicy.responseHeadersPolicyId,
        ContentSecurityPolicy: this.contentSecurityPolicy,
        // Changes whenever CloudFormation updates the policy (and so writes its template CSP back).
        PolicyModified: cfn.attrLastModifiedTime,
      },
    });
  }
}
