import { parseDelais } from './domain/delais.ts';
import * as z from './domain/zod.ts';

/**
 * Runtime configuration, read from the environment once and validated.
 * A missing or malformed variable stops the process at start with its name,
 * instead of failing on the first request that needs it.
 */
const ConfigSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  BUCKET_NAME: z.string().check(z.minLength(1)),
  AWS_REGION: z._default(z.string().check(z.minLength(1)), 'eu-west-3'),
  MAIL_FROM: z._default(z.email(), 'ne-pas-repondre@renfort.example.org'),
  /** Where the console is: every mail links to `${APP_URL}/dossiers/{caseId}`. */
  APP_URL: z._default(z.url(), 'http://localhost:3000'),
  /** How to reach the service in charge, said in every mail (the accusé de réception names it). */
  MAIL_CONTACT: z._default(z.string().check(z.minLength(3)), 'coordination@caf13.example.org'),
  /** The tenants the daily job and the sweep go through (comma-separated). */
  TENANTS: z.pipe(
    z._default(z.string(), 'caf13'),
    z.transform((text) =>
      text
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ),
  /** The SES configuration set that reports bounces and complaints (AWS only). */
  SES_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
  /** Key that signs listing cursors, so a tampered cursor is refused (the CDK stack sets a random one). */
  CURSOR_SECRET: z._default(z.string().check(z.minLength(16)), 'renfort-local-cursor-secret'),
  /** The days given to each waiting step, by nature (JSON of DESIGN.md §3's table); its defaults otherwise. */
  DELAIS_JSON: z.pipe(
    z.optional(z.string()),
    z.transform((text, payload) => {
      if (text === undefined) return undefined;
      try {
        return parseDelais(JSON.parse(text));
      } catch (error) {
        payload.issues.push({ code: 'custom', message: (error as Error).message, input: text });
        return z.NEVER;
      }
    }),
  ),
  /** The Cognito user pool whose accounts the coordination administers (invitations, sign-in). */
  USER_POOL_ID: z.optional(z.string().check(z.minLength(1))),
  /** Set only locally and in tests: the emulators' URLs. Unset on AWS. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  S3_ENDPOINT: z.optional(z.url()),
  SES_ENDPOINT: z.optional(z.url()),
  COGNITO_ENDPOINT: z.optional(z.url()),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${names.join('; ')}`);
  }
  return parsed.data;
}

let current: Config | undefined;

/** The process's configuration, parsed on first use and then kept. */
export function config(): Config {
  current ??= parseConfig(process.env);
  return current;
}
