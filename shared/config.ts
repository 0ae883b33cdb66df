import { type Delais, parseDelais } from './domain/delais.ts';
import * as z from './domain/zod.ts';

/**
 * Runtime configuration, read from the environment once and validated.
 * A missing or malformed variable stops the process at start with its name,
 * instead of failing on the first request that needs it.
 *
 * Checked by the few lines below rather than a zod schema: every function reads its configuration
 * while it loads, and building and first running a schema of seventeen fields cost about 3 ms of
 * each cold import (in a CPU profile of the identity function's). The checks are zod's where they
 * are not trivial (an email address).
 */
export interface Config {
  TABLE_NAME: string;
  BUCKET_NAME: string;
  AWS_REGION: string;
  MAIL_FROM: string;
  /** Where the console is: every mail links to `${APP_URL}/dossiers/{caseId}`. */
  APP_URL: string;
  /** How to reach the service in charge, said in every mail (the accusé de réception names it). */
  MAIL_CONTACT: string;
  /** The tenants the daily job and the sweep go through (comma-separated). */
  TENANTS: string[];
  /** The SES configuration set that reports bounces and complaints (AWS only). */
  SES_CONFIGURATION_SET?: string;
  /** Key that signs listing cursors, so a tampered cursor is refused (the CDK stack sets a random one). */
  CURSOR_SECRET: string;
  /** The days given to each waiting step, by nature (JSON of DESIGN.md §3's table); its defaults otherwise. */
  DELAIS_JSON?: Delais;
  /** The Cognito user pool whose accounts the coordination administers (invitations, sign-in). */
  USER_POOL_ID?: string;
  /** Set only locally and in tests: the emulators' URLs. Unset on AWS. */
  DYNAMODB_ENDPOINT?: string;
  S3_ENDPOINT?: string;
  SES_ENDPOINT?: string;
  COGNITO_ENDPOINT?: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A variable's value, or the reason it is refused. */
type Check<T> = (value: string) => T | { refused: string };

const atLeast =
  (min: number): Check<string> =>
  (value) =>
    value.length >= min
      ? value
      : { refused: min === 1 ? 'must not be empty' : `must have at least ${min} characters` };
const email: Check<string> = (value) =>
  z.email().safeParse(value).success ? value : { refused: 'must be an email address' };
const url: Check<string> = (value) => (URL.canParse(value) ? value : { refused: 'must be a URL' });
const list: Check<string[]> = (value) =>
  value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
const delais: Check<Delais> = (value) => {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    return { refused: `is not JSON (${(error as Error).message})` };
  }
  try {
    return parseDelais(json);
  } catch (error) {
    return { refused: (error as Error).message };
  }
};

const isRefusal = (result: unknown): result is { refused: string } =>
  typeof result === 'object' && result !== null && 'refused' in result;

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const problems: string[] = [];
  /** The variable checked, its fallback when unset; undefined when unset without one, or refused. */
  function read<T>(name: string, check: Check<T>, fallback?: string): T | undefined {
    const value = env[name] ?? fallback;
    if (value === undefined) return undefined;
    const result = check(value);
    if (!isRefusal(result)) return result;
    problems.push(`${name}: ${result.refused}`);
    return undefined;
  }
  function required(name: string): string | undefined {
    if (env[name] === undefined) problems.push(`${name}: is required`);
    return read(name, atLeast(1));
  }
  const values = {
    TABLE_NAME: required('TABLE_NAME'),
    BUCKET_NAME: required('BUCKET_NAME'),
    AWS_REGION: read('AWS_REGION', atLeast(1), 'eu-west-3'),
    MAIL_FROM: read('MAIL_FROM', email, 'ne-pas-repondre@renfort.example.org'),
    APP_URL: read('APP_URL', url, 'http://localhost:3000'),
    MAIL_CONTACT: read('MAIL_CONTACT', atLeast(3), 'coordination@caf13.example.org'),
    TENANTS: read('TENANTS', list, 'caf13'),
    SES_CONFIGURATION_SET: read('SES_CONFIGURATION_SET', atLeast(1)),
    CURSOR_SECRET: read('CURSOR_SECRET', atLeast(16), 'renfort-local-cursor-secret'),
    DELAIS_JSON: read('DELAIS_JSON', delais),
    USER_POOL_ID: read('USER_POOL_ID', atLeast(1)),
    DYNAMODB_ENDPOINT: read('DYNAMODB_ENDPOINT', url),
    S3_ENDPOINT: read('S3_ENDPOINT', url),
    SES_ENDPOINT: read('SES_ENDPOINT', url),
    COGNITO_ENDPOINT: read('COGNITO_ENDPOINT', url),
  } satisfies Record<keyof Config, unknown>;
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  // No problem: every variable that must have a value has one. An unset option is left out.
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as unknown as Config;
}

let current: Config | undefined;

/** The process's configuration, parsed on first use and then kept. */
export function config(): Config {
  current ??= parseConfig(process.env);
  return current;
}
