import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleSettings, RenfortStack } from '../../infra/stacks/renfort-stack.ts';
import { routeList } from '../../shared/http/routes.ts';

/** The console in AWS (DESIGN.md §8, issue 10): its bucket, distribution, headers, sign-in and CORS. */

const repoRoot = join(import.meta.dirname, '..', '..');
const CONSOLE_DOMAIN = 'console.renfort.example.org';
const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/0f7a1b2c-renfort-console';
/** CloudFront's managed CachingOptimized policy. */
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';

interface Synthesized {
  stack: RenfortStack;
  template: Template;
  /** The cloud assembly's folder, where the assets are staged. */
  outdir: string;
}

function synth(console: ConsoleSettings, allowedOrigins: string[] = []): Synthesized {
  // Bundling is skipped (`npm run synth` bundles for real); the template is the same.
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'cdk-')),
    context: { 'aws:cdk:bundling-stacks': [] },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new RenfortStack(app, 'Renfort', {
    routes: routeList,
    repoRoot,
    mailDomain: 'renfort.example.org',
    cursorSecret: 'test-cursor-secret-0123456789',
    allowedOrigins,
    console,
  });
  const assembly = app.synth(); // throws if cdk-nag reports a finding nobody acknowledged
  // Template.fromStack also refuses a template whose resources wait for each other in a loop, which
  // CloudFormation would not deploy (see ConsoleHosting: the console's origin and its policy).
  return { stack, template: Template.fromStack(stack), outdir: assembly.directory };
}

/** A resource of the template, as `Template.findResources` gives it. */
type Resource = ReturnType<Template['findResources']>[string];

function resources(template: Template): Record<string, Resource> {
  return template.toJSON().Resources;
}

/** The one resource of a type, with its logical id. */
function only(template: Template, type: string): [string, Resource] {
  const found = Object.entries(resources(template)).filter(([, r]) => r.Type === type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
}

/** A template value as text: literals as they are, a reference as `{Id}` or `{Id.Attribute}`. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as { Ref?: string; 'Fn::GetAtt'?: string[]; 'Fn::Join'?: [string, unknown[]] };
  if (v['Fn::Join']) {
    const [separator, parts] = v['Fn::Join'];
    return parts.map(text).join(separator);
  }
  if (v.Ref) return `{${v.Ref}}`;
  if (v['Fn::GetAtt']) return `{${v['Fn::GetAtt'].join('.')}}`;
  throw new Error(`Not a string in the template: ${JSON.stringify(value)}`);
}

/** A Content-Security-Policy as its directives, each with its sources. */
function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .map(([name, ...sources]) => [name, sources]),
  );
}

/** The distribution, the console's bucket (its origin), the documents bucket and the access logs bucket. */
function ids(template: Template) {
  const [distribution, { Properties }] = only(template, 'AWS::CloudFront::Distribution');
  const config = Properties.DistributionConfig;
  const documents = Object.entries(resources(template)).find(
    ([, r]) => r.Type === 'AWS::S3::Bucket' && r.Properties.VersioningConfiguration?.Status === 'Enabled',
  )?.[0] as string;
  return {
    distribution,
    consoleBucket: config.Origins[0].DomainName['Fn::GetAtt'][0] as string,
    accessLogs: config.Logging.Bucket['Fn::GetAtt'][0] as string,
    documents,
    config,
  };
}

/** The managed login's URL, as the template writes it. */
function login(template: Template): string {
  const [domainId] = only(template, 'AWS::Cognito::UserPoolDomain');
  return `https://{${domainId}}.auth.{AWS::Region}.amazoncognito.com`;
}

function consoleClient(synthesized: Synthesized): [string, Resource] {
  const id = synthesized.stack.getLogicalId(
    synthesized.stack.consoleClient.node.defaultChild as CfnElement,
  ) as string;
  return [id, resources(synthesized.template)[id] as Resource];
}

describe('the console in AWS, at the distribution’s own domain (no consoleDomain)', () => {
  let site: Synthesized;
  let template: Template;
  /** `https://{Distribution.DomainName}`: the console's origin. */
  let origin: string;

  beforeAll(() => {
    site = synth({ distDir: join(tmpdir(), 'renfort-no-console-build') });
    template = site.template;
    origin = `https://{${ids(template).distribution}.DomainName}`;
  });

  it('keeps the console’s bucket private, encrypted and logged; only CloudFront reads it, for this distribution', () => {
    const { consoleBucket, accessLogs, distribution } = ids(template);
    const bucket = resources(template)[consoleBucket] as Resource;
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: accessLogs } },
    });
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    const policies = Object.values(resources(template)).filter(
      (r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === consoleBucket,
    );
    expect(policies).toHaveLength(1);
    const statements: {
      Effect: string;
      Principal: unknown;
      Condition: { StringEquals: Record<string, unknown> };
    }[] = policies[0]?.Properties.PolicyDocument.Statement;
    // TLS only: every request without it is refused.
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const allowed = statements.filter((s) => s.Effect === 'Allow');
    expect(allowed).toHaveLength(1);
    expect(allowed[0]).toMatchObject({
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
    });
    expect(text(allowed[0]?.Condition.StringEquals['AWS:SourceArn'])).toBe(
      `arn:{AWS::Partition}:cloudfront::{AWS::AccountId}:distribution/{${distribution}}`,
    );
    expect(JSON.stringify(allowed[0]?.Principal)).not.toContain('"*"');
  });

  it('serves it through CloudFront with origin access control, over HTTPS only, index.html at the root and for every deep link', () => {
    const { config, accessLogs } = ids(template);
    const [oacId, oac] = only(template, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0]).toMatchObject({
      OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    for (const behavior of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
      expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    }
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.CustomErrorResponses).toEqual(
      [403, 404].map((code) => ({
        ErrorCode: code,
        ResponseCode: 200,
        ResponsePagePath: '/index.html',
        ErrorCachingMinTTL: 0,
      })),
    );
    // Its standard logs go to the access logs bucket, with the buckets' own.
    expect(config.Logging).toMatchObject({ Bucket: { 'Fn::GetAtt': [accessLogs, 'RegionalDomainName'] } });
    // No certificate of its own: CloudFront's, which allows no minimum protocol version.
    expect(config.ViewerCertificate).toBeUndefined();
    expect(config.Aliases).toBeUndefined();
  });

  it('caches the hashed assets for a year, and asks the bucket again for index.html, config.json and deep links', () => {
    const { config } = ids(template);
    expect(config.CacheBehaviors).toHaveLength(1);
    expect(config.CacheBehaviors[0]).toMatchObject({
      PathPattern: '/assets/*',
      CachePolicyId: CACHING_OPTIMIZED,
    });
    const pagesPolicy = resources(template)[config.DefaultCacheBehavior.CachePolicyId.Ref] as Resource;
    expect(pagesPolicy.Type).toBe('AWS::CloudFront::CachePolicy');
    expect(pagesPolicy.Properties.CachePolicyConfig).toMatchObject({ MinTTL: 0, DefaultTTL: 0 });
  });

  it('sends a strict Content-Security-Policy, HSTS for two years, nosniff, no framing and no referrer', () => {
    const { config } = ids(template);
    const [policyId, policy] = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    for (const behavior of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    }
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers).toMatchObject({
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: 2 * 365 * 86400,
        IncludeSubdomains: true,
        Override: true,
      },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      ContentSecurityPolicy: { Override: true },
    });
    // Until the custom resource completes it, the policy lets the console call its own origin only.
    expect(directives(headers.ContentSecurityPolicy.ContentSecurityPolicy)).toEqual({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'object-src': ["'none'"],
      'frame-ancestors': ["'none'"],
      'base-uri': ["'self'"],
      'form-action': ["'self'"],
    });
  });

  it('completes the policy once the API and the documents bucket exist: the console may call them and Cognito, nothing else', () => {
    const [policyId] = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const [, completion] = only(template, 'Custom::RenfortConsolePolicy');
    const [apiId] = only(template, 'AWS::ApiGatewayV2::Api');
    const { documents } = ids(template);
    expect(completion.Properties.PolicyId).toEqual({ Ref: policyId });
    // Run again whenever CloudFormation rewrites the policy.
    expect(completion.Properties.PolicyModified).toEqual({ 'Fn::GetAtt': [policyId, 'LastModifiedTime'] });
    const policy = directives(text(completion.Properties.ContentSecurityPolicy));
    expect(policy).toEqual({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'connect-src': [
        "'self'",
        `{${apiId}.ApiEndpoint}`,
        `https://{${documents}.RegionalDomainName}`,
        login(template),
        'https://cognito-idp.{AWS::Region}.{AWS::URLSuffix}',
      ],
      'object-src': ["'none'"],
      'frame-ancestors': ["'none'"],
      'base-uri': ["'self'"],
      'form-action': ["'self'", login(template)],
    });
    // Its function may read and update that policy, and nothing else.
    const role = Object.values(resources(template)).find(
      (r) =>
        r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties.Policies ?? []).includes('cloudfront:'),
    );
    const statements = role?.Properties.Policies.flatMap(
      (p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement,
    );
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['cloudfront:GetResponseHeadersPolicy', 'cloudfront:UpdateResponseHeadersPolicy'],
        Resource: expect.anything(),
      },
    ]);
    expect(text(statements[0].Resource)).toBe(
      `arn:{AWS::Partition}:cloudfront::{AWS::AccountId}:response-headers-policy/{${policyId}}`,
    );
  });

  it('lets browsers call the API from the console’s origin only, with the methods and headers the API uses', () => {
    const [, api] = only(template, 'AWS::ApiGatewayV2::Api');
    const cors = api.Properties.CorsConfiguration;
    expect(cors.AllowOrigins.map(text)).toEqual([origin]);
    expect(JSON.stringify(cors)).not.toContain('*');
    expect([...cors.AllowMethods].sort()).toEqual(['GET', 'PATCH', 'POST', 'PUT']);
    expect([...cors.AllowHeaders].sort()).toEqual([
      'authorization',
      'content-type',
      'idempotency-key',
      'if-match',
    ]);
    expect(cors.ExposeHeaders).toEqual(['etag']);
    expect(cors.AllowCredentials).toBeUndefined();
  });

  it('lets the console post uploads to the documents bucket and get downloads from it', () => {
    const { documents } = ids(template);
    const rules = (resources(template)[documents] as Resource).Properties.CorsConfiguration.CorsRules;
    expect(rules).toHaveLength(1);
    expect(rules[0].AllowedOrigins.map(text)).toEqual([origin]);
    expect([...rules[0].AllowedMethods].sort()).toEqual(['GET', 'POST']);
  });

  it('signs the console in with Cognito’s managed login: code grant only, public client, back to the console’s URL', () => {
    const [clientId, client] = consoleClient(site);
    expect(client.Properties).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      GenerateSecret: false,
      SupportedIdentityProviders: ['COGNITO'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      WriteAttributes: ['name'],
    });
    expect([...client.Properties.AllowedOAuthScopes].sort()).toEqual(['email', 'openid', 'profile']);
    expect(client.Properties.CallbackURLs.map(text)).toEqual([`${origin}/`]);
    expect(client.Properties.LogoutURLs.map(text)).toEqual([`${origin}/`]);
    const [, domain] = only(template, 'AWS::Cognito::UserPoolDomain');
    expect(domain.Properties.ManagedLoginVersion).toBe(2);
    // A prefix of the stack and the account: unique in the region.
    expect(text(domain.Properties.Domain)).toBe('renfort-{AWS::AccountId}');
    const [, branding] = only(template, 'AWS::Cognito::ManagedLoginBranding');
    expect(branding.Properties).toMatchObject({
      ClientId: { Ref: clientId },
      UseCognitoProvidedValues: true,
    });
  });

  it('accepts tokens of the console’s client at the API; no other client has an OAuth flow', () => {
    const [clientId] = consoleClient(site);
    const [, authorizer] = only(template, 'AWS::ApiGatewayV2::Authorizer');
    const audience = authorizer.Properties.JwtConfiguration.Audience as { Ref: string }[];
    expect(audience).toHaveLength(2);
    expect(audience).toContainEqual({ Ref: clientId });
    const others = Object.entries(resources(template)).filter(
      ([id, r]) => r.Type === 'AWS::Cognito::UserPoolClient' && id !== clientId,
    );
    expect(others).toHaveLength(1);
    for (const [, other] of others) {
      expect(other.Properties.AllowedOAuthFlows).toBeUndefined();
      expect(other.Properties.CallbackURLs).toBeUndefined();
    }
  });

  it('uploads nothing without a build, and says so', () => {
    template.resourceCountIs('Custom::CDKBucketDeployment', 0);
    const warnings = site.stack.consoleSite.node.metadata.filter((m) => m.type === 'aws:cdk:warning');
    expect(warnings.map((m) => String(m.data))).toEqual([expect.stringContaining('npm run build:web')]);
  });

  it('outputs the console’s URL', () => {
    const outputs = template.toJSON().Outputs;
    expect(text(outputs.ConsoleUrl.Value)).toBe(`${origin}/`);
    expect(outputs.ConsoleDistributionDomain).toBeUndefined();
  });
});

describe('the console in AWS at its own domain, with a build', () => {
  let site: Synthesized;
  let template: Template;
  const origin = `https://${CONSOLE_DOMAIN}`;

  beforeAll(() => {
    const dist = mkdtempSync(join(tmpdir(), 'renfort-console-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(
      join(dist, 'index.html'),
      '<!doctype html><script type="module" src="/assets/index-abc123.js"></script>',
    );
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log("renfort")');
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    site = synth(
      {
        distDir: dist,
        domainName: CONSOLE_DOMAIN,
        certificateArn: CERTIFICATE_ARN,
        cognitoDomainPrefix: 'renfort-caf13',
      },
      ['http://localhost:5173'],
    );
    template = site.template;
  });

  it('serves the console at its domain with its certificate, TLS 1.2 at least', () => {
    const { config } = ids(template);
    expect(config.Aliases).toEqual([CONSOLE_DOMAIN]);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: CERTIFICATE_ARN,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(text(template.toJSON().Outputs.ConsoleDistributionDomain.Value)).toBe(
      `{${ids(template).distribution}.DomainName}`,
    );
  });

  it('writes the whole policy in the template (its origin is known at synth), with no custom resource', () => {
    template.resourceCountIs('Custom::RenfortConsolePolicy', 0);
    const [, policy] = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const csp = directives(
      text(
        policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy
          .ContentSecurityPolicy,
      ),
    );
    const [apiId] = only(template, 'AWS::ApiGatewayV2::Api');
    expect(csp['connect-src']).toEqual([
      "'self'",
      `{${apiId}.ApiEndpoint}`,
      `https://{${ids(template).documents}.RegionalDomainName}`,
      login(template),
      'https://cognito-idp.{AWS::Region}.{AWS::URLSuffix}',
    ]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['default-src']).toEqual(["'self'"]);
    expect(csp['form-action']).toEqual(["'self'", login(template)]);
  });

  it('lets the API and the documents bucket accept the console’s domain and the other allowed origins', () => {
    const [, api] = only(template, 'AWS::ApiGatewayV2::Api');
    expect(api.Properties.CorsConfiguration.AllowOrigins).toEqual([origin, 'http://localhost:5173']);
    const rules = (resources(template)[ids(template).documents] as Resource).Properties.CorsConfiguration
      .CorsRules;
    expect(rules[0].AllowedOrigins).toEqual([origin, 'http://localhost:5173']);
  });

  it('sends Cognito’s sign-in back to the console’s domain, and the mails link there', () => {
    const [, client] = consoleClient(site);
    expect(client.Properties.CallbackURLs).toEqual([`${origin}/`]);
    expect(client.Properties.LogoutURLs).toEqual([`${origin}/`]);
    const [, domain] = only(template, 'AWS::Cognito::UserPoolDomain');
    expect(domain.Properties.Domain).toBe('renfort-caf13');
    const dispatch = site.stack.mailFunctions.get('dispatch');
    const dispatchId = site.stack.getLogicalId(dispatch?.node.defaultChild as CfnElement);
    expect(resources(template)[dispatchId]?.Properties.Environment.Variables.APP_URL).toBe(origin);
  });

  it('uploads the assets (kept a year) before index.html and config.json (asked again each time), and deletes nothing', () => {
    const deployments = Object.entries(resources(template)).filter(
      ([, r]) => r.Type === 'Custom::CDKBucketDeployment',
    );
    expect(deployments).toHaveLength(2);
    const [assetsId, assets] =
      deployments.find(([, r]) => r.Properties.DestinationBucketKeyPrefix === 'assets/') ?? [];
    const [, pages] =
      deployments.find(([, r]) => r.Properties.DestinationBucketKeyPrefix === undefined) ?? [];
    const { consoleBucket } = ids(template);
    for (const deployment of [assets, pages]) {
      expect(deployment?.Properties).toMatchObject({
        DestinationBucketName: { Ref: consoleBucket },
        Prune: false,
      });
    }
    expect(assets?.Properties.SystemMetadata['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(pages?.Properties.SystemMetadata['cache-control']).toBe('no-cache');
    expect(pages?.DependsOn).toEqual(expect.arrayContaining([assetsId]));
    // The pages' source is the build without assets/; the assets' source is assets/ alone.
    const staged = (deployment: Resource | undefined, index: number) =>
      join(
        site.outdir,
        `asset.${String(deployment?.Properties.SourceObjectKeys[index]).replace(/\.zip$/, '')}`,
      );
    expect(readdirSync(staged(assets, 0))).toEqual(['index-abc123.js']);
    expect(readdirSync(staged(pages, 0)).sort()).toEqual(['favicon.svg', 'index.html']);
  });

  it('writes config.json with the API’s URL, the issuer, the console’s client, the login domain and its own URL', () => {
    const [, pages] =
      Object.entries(resources(template)).find(
        ([, r]) =>
          r.Type === 'Custom::CDKBucketDeployment' && r.Properties.DestinationBucketKeyPrefix === undefined,
      ) ?? [];
    const markers: object[] = pages?.Properties.SourceMarkers ?? [];
    const index = markers.findIndex((m) => Object.keys(m).length > 0);
    const folder = join(
      site.outdir,
      `asset.${String(pages?.Properties.SourceObjectKeys[index]).replace(/\.zip$/, '')}`,
    );
    expect(existsSync(join(folder, 'config.json'))).toBe(true);
    let raw = readFileSync(join(folder, 'config.json'), 'utf8');
    for (const [marker, value] of Object.entries(pages?.Properties.SourceMarkers[index] as object)) {
      raw = raw.replaceAll(marker, text(value));
    }
    const [apiId] = only(template, 'AWS::ApiGatewayV2::Api');
    const [poolId] = only(template, 'AWS::Cognito::UserPool');
    const [clientId] = consoleClient(site);
    expect(JSON.parse(raw)).toEqual({
      auth: 'cognito',
      apiUrl: `{${apiId}.ApiEndpoint}`,
      authority: `https://cognito-idp.{AWS::Region}.{AWS::URLSuffix}/{${poolId}}`,
      clientId: `{${clientId}}`,
      domain: login(template),
      redirectUri: `${origin}/`,
      logoutUri: `${origin}/`,
    });
  });
});

describe('the console’s settings', () => {
  const attempt = (console: ConsoleSettings) => () =>
    new RenfortStack(new App(), 'Renfort', {
      routes: routeList,
      repoRoot,
      mailDomain: 'renfort.example.org',
      cursorSecret: 'test-cursor-secret-0123456789',
      allowedOrigins: [],
      console: { distDir: join(tmpdir(), 'renfort-no-console-build'), ...console },
    });

  it('refuses a console domain without a certificate, a certificate outside us-east-1, and a malformed login prefix', () => {
    expect(attempt({ domainName: CONSOLE_DOMAIN })).toThrow(/certificate/);
    expect(
      attempt({
        domainName: CONSOLE_DOMAIN,
        certificateArn: CERTIFICATE_ARN.replace('us-east-1', 'eu-west-3'),
      }),
    ).toThrow(/us-east-1/);
    expect(attempt({ cognitoDomainPrefix: 'Renfort_CAF13' })).toThrow(/cognitoDomainPrefix/);
  });
});

/** What the handler sends to CloudFront. */
type CloudFrontInput = Record<string, unknown>;

describe('the custom resource that completes the console’s policy', () => {
  const { completePolicy } = createRequire(import.meta.url)('../../infra/stacks/console-policy/index.js') as {
    completePolicy: (
      event: object,
      call: (operation: string, input: CloudFrontInput) => Promise<object>,
    ) => Promise<{ PhysicalResourceId: string }>;
  };
  const CSP = "default-src 'self'; connect-src 'self' https://api.example";

  it('replaces the Content-Security-Policy only, with the ETag it read', async () => {
    const calls: [string, CloudFrontInput][] = [];
    const config = {
      Name: 'RenfortConsoleHeaders',
      Comment: 'headers',
      SecurityHeadersConfig: {
        ContentSecurityPolicy: { Override: true, ContentSecurityPolicy: "connect-src 'self'" },
        FrameOptions: { FrameOption: 'DENY', Override: true },
      },
    };
    const result = await completePolicy(
      { RequestType: 'Update', ResourceProperties: { PolicyId: 'p-1', ContentSecurityPolicy: CSP } },
      async (operation, input) => {
        calls.push([operation, input]);
        return operation === 'GetResponseHeadersPolicy'
          ? { ETag: 'E1', ResponseHeadersPolicy: { Id: 'p-1', ResponseHeadersPolicyConfig: config } }
          : {};
      },
    );
    expect(result).toEqual({ PhysicalResourceId: 'p-1' });
    expect(calls).toEqual([
      ['GetResponseHeadersPolicy', { Id: 'p-1' }],
      [
        'UpdateResponseHeadersPolicy',
        {
          Id: 'p-1',
          IfMatch: 'E1',
          ResponseHeadersPolicyConfig: {
            ...config,
            SecurityHeadersConfig: {
              ContentSecurityPolicy: { Override: true, ContentSecurityPolicy: CSP },
              FrameOptions: { FrameOption: 'DENY', Override: true },
            },
          },
        },
      ],
    ]);
  });

  it('leaves the policy alone when the stack deletes it', async () => {
    const calls: string[] = [];
    const result = await completePolicy(
      {
        RequestType: 'Delete',
        PhysicalResourceId: 'p-1',
        ResourceProperties: { PolicyId: 'p-1', ContentSecurityPolicy: CSP },
      },
      async (operation) => {
        calls.push(operation);
        return {};
      },
    );
    expect(result).toEqual({ PhysicalResourceId: 'p-1' });
    expect(calls).toEqual([]);
  });
});
