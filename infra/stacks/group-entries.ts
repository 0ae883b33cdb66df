import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RouteSpec } from '../../shared/http/routes.ts';

const GENERATED = '// Generated at synth time from shared/http/routes.ts; do not edit.';

/** The fallback's entry, beside the groups' (a group may not take its name). */
const FALLBACK = 'fallback';

/**
 * Writes one entry module per route group, derived from the route table: it imports the
 * group's handler modules and dispatches on API Gateway's routeKey. Returns group → entry path.
 */
export function writeGroupEntries(
  routes: RouteSpec[],
  repoRoot: string,
  outDir: string,
): Map<string, string> {
  mkdirSync(outDir, { recursive: true });
  const groups = new Map<string, RouteSpec[]>();
  for (const route of routes) groups.set(route.group, [...(groups.get(route.group) ?? []), route]);
  const entries = new Map<string, string>();
  for (const [group, members] of groups) {
    if (group === FALLBACK) throw new Error(`No route group may be named ${FALLBACK}`);
    const imports = members.map(
      (route, i) => `import { handler as h${i} } from '${join(repoRoot, route.handler)}';`,
    );
    const table = members.map((route, i) => `  '${route.method} ${route.path}': h${i},`);
    const source = [
      GENERATED,
      `import { dispatchByRouteKey } from '${join(repoRoot, 'functions/api/dispatch.ts')}';`,
      ...imports,
      '',
      `export const handler = dispatchByRouteKey({\n${table.join('\n')}\n});`,
      '',
    ].join('\n');
    const path = join(outDir, `${group}.ts`);
    writeFileSync(path, source);
    entries.set(group, path);
  }
  return entries;
}

/**
 * Writes the fallback function's entry: the table's methods and paths as data, so that the
 * function answers 404 / 405 without importing the table (its schemas). Returns its path.
 */
export function writeFallbackEntry(routes: RouteSpec[], repoRoot: string, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const paths = routes.map(({ method, path }) => ({ method, path }));
  const source = [
    GENERATED,
    `import { fallbackHandlerOf } from '${join(repoRoot, 'functions/api/fallback.ts')}';`,
    '',
    `export const handler = fallbackHandlerOf(${JSON.stringify(paths, null, 2)});`,
    '',
  ].join('\n');
  const path = join(outDir, `${FALLBACK}.ts`);
  writeFileSync(path, source);
  return path;
}
