import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LocalRoute } from './gateway.ts';

const require = createRequire(import.meta.url);
const assets = dirname(require.resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <title>Renfort API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="docs"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

// Try-it-out sends the bearer token typed in "Authorize" (get one from POST /_local/token).
const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', persistAuthorization: true });\n`;

const asset = (file: string, contentType: string): LocalRoute => ({
  method: 'GET',
  path: `/docs/${file}`,
  run: async () => ({ status: 200, contentType, body: await readFile(join(assets, file)) }),
});

/** The interactive documentation of the OpenAPI document, served from the swagger-ui-dist package (local only). */
export const docsRoutes: LocalRoute[] = [
  {
    method: 'GET',
    path: '/docs',
    run: async () => ({ status: 200, contentType: 'text/html; charset=utf-8', body: PAGE }),
  },
  {
    method: 'GET',
    path: '/docs/init.js',
    run: async () => ({ status: 200, contentType: 'text/javascript', body: INIT }),
  },
  asset('swagger-ui.css', 'text/css'),
  asset('swagger-ui-bundle.js', 'text/javascript'),
];
