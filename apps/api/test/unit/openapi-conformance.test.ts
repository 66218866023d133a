// The checker the e2e suite runs on every answer must itself fail on what it is there to catch.
import { OpenApiConformance, type OpenApiDocumentLike } from '../e2e/openapi-conformance.js';

const document: OpenApiDocumentLike = {
  paths: {
    '/things/{id}': {
      get: {
        responses: {
          '200': {
            content: {
              'application/json': {
                schema: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
              },
            },
          },
          '404': { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
        },
      },
    },
    '/things': {
      post: { responses: { '201': { headers: { Location: { required: true } } } } },
    },
  },
  components: {
    schemas: {
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status', 'detail'],
        properties: { type: { type: 'string', enum: ['https://orderly.dev/problems/x'] }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } },
      },
    },
  },
};

const checker = new OpenApiConformance(document);
const json = new Headers({ 'content-type': 'application/json; charset=utf-8' });
const problemJson = new Headers({ 'content-type': 'application/problem+json; charset=utf-8' });
const problem = (status: number) => ({ type: 'https://orderly.dev/problems/x', title: 'x', status, detail: 'y' });
const id = '00000000-0000-4000-8000-000000000001';

it('accepts an answer the document describes', () => {
  expect(checker.check({ method: 'GET', path: `/things/${id}?x=1`, status: 200, headers: json, body: { id } })).toEqual([]);
  expect(checker.check({ method: 'GET', path: `/things/${id}`, status: 404, headers: problemJson, body: problem(404) })).toEqual([]);
  expect(checker.check({ method: 'POST', path: '/things', status: 201, headers: new Headers({ location: '/things/1' }), body: null })).toEqual([]);
});

it('accepts a 431 problem on any path: URL and headers are refused before routing', () => {
  expect(checker.check({ method: 'GET', path: `/things/${id}`, status: 431, headers: problemJson, body: problem(431) })).toEqual([]);
  expect(checker.check({ method: 'GET', path: '/nowhere', status: 431, headers: problemJson, body: problem(431) })).toEqual([]);
});

it('accepts a body refused before routing on a request that has none of its own', () => {
  expect(checker.check({ method: 'POST', path: '/nowhere', status: 400, headers: problemJson, body: problem(400), sentBody: true })).toEqual([]);
});

it.each([
  ['an undocumented status', { method: 'GET', path: `/things/${id}`, status: 500, headers: problemJson, body: problem(500) }, /status 500 is not documented/],
  ['a body member the schema does not allow', { method: 'GET', path: `/things/${id}`, status: 200, headers: json, body: { id, extra: 1 } }, /must NOT have additional properties/],
  ['a malformed format', { method: 'GET', path: `/things/${id}`, status: 200, headers: json, body: { id: 'nope' } }, /must match format "uuid"/],
  ['an undocumented content type', { method: 'GET', path: `/things/${id}`, status: 404, headers: json, body: problem(404) }, /content type "application\/json" is not documented/],
  ['a missing required header', { method: 'POST', path: '/things', status: 201, headers: new Headers(), body: null }, /required header Location is missing/],
  ['a body where none is documented', { method: 'POST', path: '/things', status: 201, headers: new Headers({ location: '/x' }), body: { a: 1 } }, /says no body/],
  ['a problem type the document does not list', { method: 'GET', path: `/things/${id}`, status: 404, headers: problemJson, body: { ...problem(404), type: 'about:blank' } }, /must be equal to one of the allowed values/],
  ['a 431 that is not a problem', { method: 'GET', path: `/things/${id}`, status: 431, headers: new Headers(), body: '' }, /is not application\/problem\+json/],
  ['an unknown route answered with 200', { method: 'GET', path: '/nowhere', status: 200, headers: json, body: {} }, /only 404 may answer/],
  ['an unknown route answered without problem+json', { method: 'GET', path: '/nowhere', status: 404, headers: json, body: problem(404) }, /is not application\/problem\+json/],
  ['an unknown route without a body answered with 400', { method: 'GET', path: '/nowhere', status: 400, headers: problemJson, body: problem(400) }, /only 404 may answer/],
  ['a wrong method answered with 200', { method: 'DELETE', path: `/things/${id}`, status: 200, headers: json, body: {} }, /only 404 or 405 may answer/],
])('rejects %s', (_what, answer, message) => {
  const problems = checker.check(answer);
  expect(problems.join('\n')).toMatch(message);
  expect(() => checker.assert(answer)).toThrow(/does not match \/openapi.json/);
});
