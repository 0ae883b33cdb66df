import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import type { JwtClaims } from '../../shared/http/claims.ts';
import { UnauthorizedError } from '../../shared/http/problem.ts';

export interface JwtAuthorizerConfig {
  issuer: string;
  audience: string[];
  jwksUrl: string;
}

/**
 * Flattens claims as API Gateway's JWT authorizer does before it hands them to a Lambda:
 * every value becomes a string, an array becomes "[a b]".
 */
export function flattenClaims(payload: JWTPayload): JwtClaims {
  return Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [
      name,
      Array.isArray(value)
        ? `[${value.join(' ')}]`
        : typeof value === 'string'
          ? value
          : JSON.stringify(value),
    ]),
  );
}

/**
 * The checks API Gateway's JWT authorizer makes: a bearer token, signed by a key of the
 * issuer's JWKS, from the configured issuer, with an `exp` not yet passed, an `iat` (if any)
 * not in the future, and whose `aud` (ID token) or `client_id` (access token) is one of the
 * configured audiences.
 */
export function createJwtAuthorizer({ issuer, audience, jwksUrl }: JwtAuthorizerConfig) {
  const jwks = createRemoteJWKSet(new URL(jwksUrl));
  return async (authorization: string | undefined): Promise<JwtClaims> => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new UnauthorizedError('An Authorization: Bearer <token> header is required.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer,
        algorithms: ['RS256'],
        requiredClaims: ['exp'],
      }));
    } catch (cause) {
      const reason =
        cause instanceof errors.JWTExpired
          ? 'The token has expired.'
          : cause instanceof errors.JWTClaimValidationFailed && cause.claim === 'iss'
            ? 'The token comes from another issuer.'
            : cause instanceof errors.JWTClaimValidationFailed && cause.claim === 'exp'
              ? 'The token has no expiry.'
              : 'The token could not be verified.';
      throw new UnauthorizedError(reason, { cause });
    }
    // jose checks iat only against a maximum age; API Gateway refuses a token issued in the future.
    if (payload.iat !== undefined && payload.iat > Math.floor(Date.now() / 1000)) {
      throw new UnauthorizedError('The token was issued in the future.');
    }
    const audiences = [payload.aud, payload.client_id]
      .flat()
      .filter((a): a is string => typeof a === 'string');
    if (!audiences.some((a) => audience.includes(a))) {
      throw new UnauthorizedError('The token was issued for another client.');
    }
    return flattenClaims(payload);
  };
}
