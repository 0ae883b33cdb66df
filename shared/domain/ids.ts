import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/**
 * A time-ordered id in the spirit of ULID: 10 characters of milliseconds, then 16 random ones,
 * so ids sort by creation time and cannot be guessed.
 */
export function newId(prefix: string, now = Date.now()): string {
  let time = '';
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = ALPHABET[t % 32] + time;
  const random = [...randomBytes(16)].map((b) => ALPHABET[b % 32]).join('');
  return `${prefix}-${time}${random}`;
}
