import { isDatabaseUnavailable } from '../../src/index.js';

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a refused connection to every address (AggregateError)', new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], '')],
    ['the server shutting down (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['the server starting up (57P03)', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['too many connections (53300)', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
    ['a session ended for sitting idle in a transaction (25P03: a frozen process woke up)', Object.assign(new Error('terminating connection due to idle-in-transaction timeout'), { code: '25P03' })],
    ['a connection exception (08006)', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['a connection that broke mid-query', new Error('Connection terminated unexpectedly')],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['any of these wrapped by TypeORM', Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('x'), { code: '57P01' }) })],
    ['any of these as a cause', new Error('outer', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })],
  ])('is true for %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a serialization failure (retried by the unit of work instead)', Object.assign(new Error('could not serialize'), { code: '40001' })],
    ['a permission error', Object.assign(new Error('permission denied for schema products'), { code: '42501' })],
    ['a plain bug', new TypeError('undefined is not a function')],
    ['not an error at all', 'ECONNREFUSED'],
  ])('is false for %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
