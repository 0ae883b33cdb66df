import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { generateKeyPair, importJWK, type JWTPayload, SignJWT } from 'jose';

const require = createRequire(import.meta.url);

/**
 * cognito-local signs every token with the key pair shipped in its package; tests use the same
 * private key to forge tokens that differ from a good one in exactly one respect.
 */
const { jwk } = JSON.parse(
  readFileSync(require.resolve('cognito-local/lib/keys/cognitoLocal.private.json'), 'utf8'),
);

export async function signWithLocalKey(payload: JWTPayload): Promise<string> {
  const key = await importJWK(jwk, 'RS256');
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal' }).sign(key);
}

export async function signWithForeignKey(payload: JWTPayload): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal' }).sign(privateKey);
}

export function decodePayload(token: string): JWTPayload {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
}

/** The same token with one claim changed and the original signature kept. */
export function tamper(token: string, changes: JWTPayload): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const changed = { ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), ...changes };
  return [header, Buffer.from(JSON.stringify(changed)).toString('base64url'), signature].join('.');
}
