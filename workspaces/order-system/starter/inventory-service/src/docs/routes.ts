/**
 * Interactive API docs: GET /docs (Swagger UI, served offline from the
 * swagger-ui-dist package) and GET /openapi.json.
 */
import path from 'node:path';
import express, { Router } from 'express';
import { openApiDocument } from './openapi';

const swaggerUiDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Inventory Service — API docs</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script>
      window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, tryItOutEnabled: true });
    </script>
  </body>
</html>
`;

export function docsRouter(): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  router.get(['/docs', '/docs/', '/docs/index.html'], (_req, res) => {
    res.type('html').send(DOCS_PAGE);
  });
  router.use('/docs', express.static(swaggerUiDir, { index: false }));
  return router;
}
