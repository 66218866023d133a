import type { Provider, Type } from '@nestjs/common';

/**
 * A DI token that remembers the interface it stands for. The consumer module declares the port
 * and its token in its contracts; apps/api binds the token to a provider from another module
 * with bindPort, and TypeScript checks structurally that the provider fits the port - the way a
 * Python Protocol would, without either module importing the other.
 */
export type PortToken<TPort> = symbol & { readonly __port?: TPort };

export function portToken<TPort>(description: string): PortToken<TPort> {
  return Symbol.for(`orderly:port:${description}`) as PortToken<TPort>;
}

export function bindPort<TPort>(token: PortToken<TPort>, implementation: Type<TPort>): Provider {
  return { provide: token, useExisting: implementation };
}

export function bindPortToValue<TPort>(token: PortToken<TPort>, value: TPort): Provider {
  return { provide: token, useValue: value };
}
