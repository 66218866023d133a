/**
 * A DI token that remembers the interface it stands for. The consumer module declares the port
 * and its token in its contracts; apps/api binds the token to a provider from another module
 * with bindPort (../nest/bind-port.ts), and TypeScript checks structurally that the provider fits
 * the port - the way a Python Protocol would, without either module importing the other.
 * Framework-free, so contracts (and the domain that reads them) stay free of NestJS.
 */
export type PortToken<TPort> = symbol & { readonly __port?: TPort };

export function portToken<TPort>(description: string): PortToken<TPort> {
  return Symbol.for(`orderly:port:${description}`) as PortToken<TPort>;
}
