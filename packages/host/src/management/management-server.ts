import type { INestApplication } from '@nestjs/common';
import express, { type Request, type Response } from 'express';
import type { Server } from 'node:http';
import { NotReady } from '../health/not-ready.js';
import { ReadinessReport } from '../health/readiness-report.js';
import { httpProblem, PROBLEM_CONTENT_TYPE } from '../http/problem-details.js';
import type { OrderlyMetrics } from '../metrics/orderly-metrics.js';

export interface ManagementServer {
  /** e.g. http://127.0.0.1:9464 */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * What only operators see, on its own listener (MANAGEMENT_HOST:MANAGEMENT_PORT, 127.0.0.1:9464 by
 * default) rather than on the public port: /metrics (Prometheus) and the detailed readiness (each
 * failing check with its raw error), plus /health/live for a probe that uses this port. No token:
 * who can reach this address is decided by where it listens (docs/adr/0011).
 */
export async function startManagementServer(app: INestApplication, metrics: OrderlyMetrics, at: { host: string; port: number }): Promise<ManagementServer> {
  const report = app.get(ReadinessReport, { strict: false });
  const management = express();
  management.disable('x-powered-by');
  management.get('/metrics', async (_req: Request, res: Response) => {
    const { contentType, body } = await metrics.render();
    res.set('Cache-Control', 'no-store').type(contentType).send(body);
  });
  management.get('/health/live', (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });
  management.get('/health/ready', async (_req: Request, res: Response) => {
    const { ready, result } = await report.evaluate();
    if (ready) {
      res.json(result);
      return;
    }
    res.status(503).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(new NotReady(result).problem));
  });
  management.use((req: Request, res: Response) => {
    const problem = httpProblem('not-found', `The management listener serves /metrics, /health/live and /health/ready, not ${req.path}.`);
    res.status(404).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  });
  const server: Server = await new Promise((resolve, reject) => {
    const listening = management.listen(at.port, at.host, () => resolve(listening)).once('error', reject);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://${at.host.includes(':') ? `[${at.host}]` : at.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a scraper's keep-alive connection must not hold the shutdown
      }),
  };
}
