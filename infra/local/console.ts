import { randomUUID } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { InvalidInputError, NotFoundError } from '../../shared/domain/errors.ts';
import { type HttpResult, problemResult } from '../../shared/http/http-handler.ts';

/**
 * The console (DESIGN.md §8) as the local gateway serves it at `/`: the static build of `web/`
 * (`npm run build:web` writes it to web/dist), deep links answered with index.html, and
 * `/config.json` telling the console how to sign in. In AWS, CloudFront serves the same build.
 */

export interface ConsoleSiteOptions {
  /** The folder of the build: index.html and assets/. It may not exist (yet). */
  distDir: string;
  /** Origins the console's scripts may call besides its own: the S3 endpoint of the presigned uploads and downloads. */
  connectSrc: string[];
  /** What GET /config.json answers. */
  config: Record<string, unknown>;
}

export interface ConsoleRequest {
  method: 'GET' | 'HEAD';
  /** The URL's path as the WHATWG parser left it: dot segments resolved, still percent-encoded. */
  pathname: string;
  headers: { accept?: string; authorization?: string; 'if-none-match'?: string };
}

export type ConsoleSite = (request: ConsoleRequest) => Promise<HttpResult>;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.pdf': 'application/pdf',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The headers of every console answer: a strict Content-Security-Policy and two more. */
export function consoleSecurityHeaders(connectSrc: string[]): Record<string, string> {
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    ["connect-src 'self'", ...connectSrc].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
  return {
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

/**
 * The path of a file under the build, relative and with `/` separators, or undefined when the
 * path could name something outside it: a `.` or `..` segment (even percent-encoded), an encoded
 * separator (`%2F`, `%5C`), a NUL, a malformed escape, or a hidden file (`.env`).
 */
export function safeRelativePath(pathname: string): string | undefined {
  const segments: string[] = [];
  for (const raw of pathname.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment.startsWith('.') || /[/\\\0]/.test(segment)) return undefined;
    segments.push(segment);
  }
  return segments.join('/');
}

/** `/assets/…` are the build's hashed files: a new build gives new names, so they never change. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Whether the request is a program calling the API rather than a browser opening a page. */
function isApiCall(headers: ConsoleRequest['headers']): boolean {
  if (headers.authorization) return true;
  const accept = (headers.accept ?? '').toLowerCase();
  return /json/.test(accept) && !accept.includes('text/html');
}

export function createConsoleSite({ distDir, connectSrc, config }: ConsoleSiteOptions): ConsoleSite {
  const root = resolve(distDir);
  const security = consoleSecurityHeaders(connectSrc);
  const problem = (error: Error, pathname: string): HttpResult => {
    const result = problemResult(error, randomUUID(), pathname);
    return { ...result, headers: { ...result.headers, ...security } };
  };

  /** The file's bytes and validator, when `relative` names a regular file inside the build. */
  const fileAt = async (relative: string) => {
    const path = resolve(root, relative);
    if (path !== root && !path.startsWith(root + sep)) return undefined;
    try {
      // A link inside the build that leads outside it is refused as well.
      const real = realpathSync(path);
      const realRoot = realpathSync(root);
      if (!real.startsWith(realRoot + sep)) return undefined;
      const stats = statSync(real);
      if (!stats.isFile()) return undefined;
      return {
        path: real,
        bytes: await readFile(real),
        etag: `W/"${stats.size}-${Math.trunc(stats.mtimeMs)}"`,
      };
    } catch {
      return undefined;
    }
  };

  const answer = (
    request: ConsoleRequest,
    file: { path: string; bytes: Buffer; etag: string },
    cacheControl: string,
  ): HttpResult => {
    const headers = {
      'content-type': contentTypeOf(file.path),
      'cache-control': cacheControl,
      etag: file.etag,
      ...security,
    };
    if (request.headers['if-none-match'] === file.etag) return { statusCode: 304, headers };
    return {
      statusCode: 200,
      headers: { ...headers, 'content-length': String(file.bytes.length) },
      body: file.bytes.toString('base64'),
      isBase64Encoded: true,
    };
  };

  return async (request) => {
    const { pathname } = request;
    if (pathname === '/config.json') {
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-cache', ...security },
        body: JSON.stringify(config),
      };
    }
    const relative = safeRelativePath(pathname);
    if (relative === undefined) {
      return problem(
        new InvalidInputError([{ path: 'path', message: 'The path names no file of the console.' }]),
        pathname,
      );
    }
    const file = relative === '' ? undefined : await fileAt(relative);
    const inAssets = relative === 'assets' || relative.startsWith('assets/');
    if (file) return answer(request, file, inAssets ? IMMUTABLE : 'no-cache');
    // A deep link of the application (/dossiers/c-…, /connexion): the page, whose router reads the path.
    const deepLink = extname(relative) === '' && !inAssets && !isApiCall(request.headers);
    if (relative === '' || deepLink) {
      const index = await fileAt('index.html');
      if (index) return answer(request, index, 'no-cache');
      return problem(
        new NotFoundError('The console is not built: run `npm run build:web` (npm start builds it).'),
        pathname,
      );
    }
    return problem(new NotFoundError(`No file ${pathname} in the console.`), pathname);
  };
}
