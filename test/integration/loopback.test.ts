import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, inject, it } from 'vitest';

/** The ports of the local stack: the four emulators and the gateway. */
const endpoints = inject('endpoints');
const ports = Object.entries({ ...endpoints, gateway: inject('apiUrl') }).map(
  ([name, url]) => [name, Number(new URL(url).port)] as const,
);

/** An address of /proc/net/tcp(6): 4-byte words in host order (little-endian here). */
function procAddress(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) =>
    (word.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)),
  );
  const ipv4 = (b: number[]) => b.join('.');
  if (bytes.length === 4) return ipv4(bytes);
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return ipv4(bytes.slice(12)); // ::ffff:a.b.c.d, an IPv6 socket bound to an IPv4 address
  const groups = Array.from({ length: 8 }, (_, i) =>
    (((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0)).toString(16),
  );
  return groups.join(':');
}

/** The local addresses of the sockets listening on `port`, read from the kernel's tables. */
function listeningAddresses(port: number): string[] {
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((line) => line.trim().split(/\s+/))
          .filter(
            ([, local, , state]) =>
              state === '0A' && Number.parseInt(local?.split(':')[1] ?? '', 16) === port,
          )
          .map(([, local]) => procAddress(local?.split(':')[0] ?? ''))
      : [],
  );
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** This machine's other addresses (link-local ones need a scope and are left out). */
const otherAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a !== undefined && !a.internal && !a.address.startsWith('fe80:'))
  .map((a) => a?.address as string);

describe('every emulator and the gateway listen on the loopback interface only', () => {
  it.skipIf(!existsSync('/proc/net/tcp')).each(ports)(
    '%s: every listening socket of its port is bound to 127.0.0.1',
    (_name, port) => {
      const addresses = listeningAddresses(port);
      expect(addresses.length).toBeGreaterThan(0);
      expect(new Set(addresses)).toEqual(new Set(['127.0.0.1']));
    },
  );

  it.each(ports)(
    '%s: accepts connections on 127.0.0.1 and on no other address of this machine',
    async (_name, port) => {
      expect(await connects('127.0.0.1', port)).toBe(true);
      for (const address of otherAddresses) {
        expect(await connects(address, port), `${address}:${port}`).toBe(false);
      }
    },
  );
});

describe('a web page the developer opens cannot reach the table', () => {
  // DynamoDB Local checks no signature; what keeps a page's script out is that its preflight answer
  // grants no origin (measured on 10.3.0, with and without its -cors option): a guard for upgrades.
  it('DynamoDB Local answers no browser origin with CORS permission', async () => {
    for (const origin of ['https://site-malveillant.example', 'null', 'http://127.0.0.1:3000']) {
      // The preflight a page's fetch of DynamoDB's JSON API would send first.
      const preflight = await fetch(endpoints.dynamodb, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-amz-target,authorization',
        },
      });
      expect(preflight.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });
});
