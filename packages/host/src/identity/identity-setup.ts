import type { INestApplication } from '@nestjs/common';
import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { requireAuth, type OrderlyConfig } from '../config.js';
import type { DiscoveredRoute } from '../http/route-discovery.js';
import { Authenticator } from './authenticator.js';
import { DevelopmentIssuer, JWKS_PATH } from './development-issuer.js';
import { TokenVerifier } from './token-verifier.js';

export interface Identity {
  readonly authenticator: Authenticator;
  /** Present when the built-in development issuer signs the tokens this API accepts. */
  readonly developmentIssuer: DevelopmentIssuer | null;
}

/** The token verifier for the configured issuer; opens (or creates) the development issuer's key. */
export async function prepareIdentity(config: OrderlyConfig, logger: Logger): Promise<Identity> {
  const auth = requireAuth(config.auth);
  const developmentIssuer = auth.kind === 'development' ? await DevelopmentIssuer.open(config.dataDir) : null;
  if (auth.kind === 'jwks') {
    logger.info({ issuer: auth.issuer, audience: auth.audience, jwks: auth.jwksUrl.href }, 'access tokens: verified against the identity provider');
  } else if (auth.explicitOptIn) {
    logger.warn(
      `AUTH_DEV_ISSUER=true: access tokens are signed by the DEVELOPMENT ISSUER whose private key is in ${config.dataDir}/identity - ` +
        'anyone who can read it can act as anyone. Never use it in production: set AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE.',
    );
  } else {
    logger.info(`access tokens: development issuer (key in ${config.dataDir}/identity); get one with: npm run token -- --email you@example.com`);
  }
  return { authenticator: new Authenticator(TokenVerifier.for(auth, developmentIssuer)), developmentIssuer };
}

/** Serves the development issuer's public keys, as an identity provider would. */
export function serveDevelopmentJwks(app: INestApplication, issuer: DevelopmentIssuer): void {
  const router = express.Router();
  const body = JSON.stringify(issuer.jwks);
  router.get(JWKS_PATH, (_req: Request, res: Response) => {
    res.type('application/jwk-set+json').set('Cache-Control', 'public, max-age=300').send(body);
  });
  app.use(router);
}

/** Every route must say who may call it; one that says nothing stops the start (never open by omission). */
export function checkAccessDeclared(routes: readonly DiscoveredRoute[]): void {
  const undeclared = accessGaps(routes);
  if (undeclared.length > 0) throw new Error(`Routes that declare neither @Public() nor @RequireScope(...):\n  ${undeclared.join('\n  ')}`);
}

export function accessGaps(routes: readonly DiscoveredRoute[]): string[] {
  return routes.filter((route) => route.access === undefined).map((r) => `${r.method.toUpperCase()} ${r.path} (${r.controller}.${r.handlerName})`);
}
