import type { INestApplication } from '@nestjs/common';
import express, { type Request, type Response } from 'express';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document.js';
import { discoverRoutes } from '@orderly/host';

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

const require = createRequire(import.meta.url);
const swaggerUiDir = dirname(require.resolve('swagger-ui-dist/package.json'));
const { version } = require('../../../package.json') as { version: string };

/** Only these files of swagger-ui-dist are served, from the npm package (no CDN). */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

// No inline script or style, so the page works under a strict Content-Security-Policy
// (script-src 'self').
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Orderly API</title>
    <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${DOCS_PATH}/docs-page.js"></script>
  </body>
</html>
`;

const PAGE_SCRIPT = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(OPENAPI_PATH)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

/**
 * Serves the OpenAPI document of every route the app has (generated once, from the code) at
 * /openapi.json and Swagger UI at /docs. Call after the app is created, before it listens.
 */
export function serveApiDocs(app: INestApplication): OpenApiDocument {
  const document = buildOpenApiDocument(discoverRoutes(app), version);
  const json = JSON.stringify(document);
  const router = express.Router();
  router.get(OPENAPI_PATH, (_req: Request, res: Response) => {
    res.type('application/json').send(json);
  });
  router.get(DOCS_PATH, (_req: Request, res: Response) => {
    res.type('text/html; charset=utf-8').send(PAGE);
  });
  router.get(`${DOCS_PATH}/docs-page.js`, (_req: Request, res: Response) => {
    res.type('text/javascript; charset=utf-8').send(PAGE_SCRIPT);
  });
  for (const [file, type] of Object.entries(ASSETS)) {
    router.get(`${DOCS_PATH}/${file}`, (_req: Request, res: Response) => {
      res.type(type).sendFile(join(swaggerUiDir, file), { maxAge: '1h' });
    });
  }
  app.use(router);
  return document;
}
