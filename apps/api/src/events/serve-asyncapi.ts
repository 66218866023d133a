import type { INestApplication } from '@nestjs/common';
import express, { type Request, type Response } from 'express';
import { ASYNCAPI_PATH, buildAsyncApiDocument } from './asyncapi-document.js';

/**
 * Serves the AsyncAPI document of the integration events (generated once, from the code) at
 * /asyncapi.json. Call after the app is created, before it listens.
 */
export function serveAsyncApi(app: INestApplication): void {
  const json = JSON.stringify(buildAsyncApiDocument());
  const router = express.Router();
  router.get(ASYNCAPI_PATH, (_req: Request, res: Response) => {
    res.type('application/json').send(json);
  });
  app.use(router);
}
