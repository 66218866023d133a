import { KnownRoutes, type RouteLayer } from '../../src/http/known-routes.js';

// A stand-in for Express' router stack as Nest leaves it: endpoints, plus middleware mounted on
// a wildcard route for every method (as a Nest middleware is), which must not count as an endpoint.
const stack: RouteLayer[] = [
  { route: { path: '{/*splat}', methods: { get: true, post: true, put: true, delete: true } } },
  { route: { path: '/orders', methods: { post: true } } },
  { route: { path: '/orders/:id', methods: { get: true } } },
  { route: { path: '/products', methods: { get: true } } },
  { route: { path: '/products', methods: { post: true } } },
  { route: { path: '/products/:id/restock', methods: { post: true } } },
  {}, // plain middleware layer
];

describe('KnownRoutes', () => {
  const routes = new KnownRoutes(() => stack);

  it('finds the pattern and every method of a path, HEAD wherever GET is', () => {
    expect(routes.find('/products')).toEqual({ pattern: '/products', methods: ['GET', 'HEAD', 'POST'] });
    expect(routes.find('/orders/123')).toEqual({ pattern: '/orders/:id', methods: ['GET', 'HEAD'] });
    expect(routes.find('/products/abc/restock')).toEqual({ pattern: '/products/:id/restock', methods: ['POST'] });
  });

  it('matches like Express: case-insensitive, optional trailing slash', () => {
    expect(routes.find('/ORDERS/')?.pattern).toBe('/orders');
  });

  it('knows no route for an unknown path, whatever wildcard middleware is mounted', () => {
    expect(routes.find('/nowhere')).toBeUndefined();
    expect(routes.find('/orders/1/2')).toBeUndefined();
    expect(routes.find('/orders/%E0%A4%A')).toEqual({ pattern: '/orders/:id', methods: ['GET', 'HEAD'] });
  });

  it('still tries a pattern that starts with a parameter, and merges every pattern a path matches (first registered labels it)', () => {
    const mixedStack: RouteLayer[] = [
      { route: { path: '/orders/:id', methods: { get: true } } },
      { route: { path: '/:section/:id', methods: { delete: true } } },
      { route: { path: '/orders/:id', methods: { patch: true } } },
    ];
    const mixed = new KnownRoutes(() => mixedStack);
    expect(mixed.find('/orders/1')).toEqual({ pattern: '/orders/:id', methods: ['DELETE', 'GET', 'HEAD', 'PATCH'] });
    expect(mixed.find('/products/1')).toEqual({ pattern: '/:section/:id', methods: ['DELETE'] });
  });
});
