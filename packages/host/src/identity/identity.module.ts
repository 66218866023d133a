import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { OrderlyConfig } from '../config.js';
import { AccessGuard } from './access.guard.js';
import { Authenticator } from './authenticator.js';
import { writeRateLimit, WriteRateLimitGuard } from './write-rate-limit.js';

/**
 * Bearer-token identity for every route: the write rate limit first (it counts per subject, so it
 * asks the Authenticator too; the token is verified once per request), then the access guard.
 */
@Module({})
export class IdentityModule {
  static forRoot(config: OrderlyConfig, authenticator: Authenticator): DynamicModule {
    return {
      module: IdentityModule,
      imports: [ThrottlerModule.forRoot(writeRateLimit(authenticator, config.writeRateLimit))],
      providers: [
        { provide: Authenticator, useValue: authenticator },
        { provide: APP_GUARD, useClass: WriteRateLimitGuard },
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
    };
  }
}
