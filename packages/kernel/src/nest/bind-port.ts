import type { Provider, Type } from '@nestjs/common';
import type { PortToken } from '../ports/port-token.js';

/**
 * Binds a port's token to the provider that implements it (a class, or another token such as one
 * a providing module exports). Used by apps/api, the composition root.
 */
export function bindPort<TPort>(token: PortToken<TPort>, implementation: Type<TPort> | PortToken<TPort>): Provider {
  return { provide: token, useExisting: implementation };
}

/** Binds a port's token to a ready-made value (e.g. apps/api's metrics adapter). */
export function bindPortToValue<TPort>(token: PortToken<TPort>, value: TPort): Provider {
  return { provide: token, useValue: value };
}
