// The problem layer: every error becomes a problem of the one type scheme, and no body shape a
// client can send gets past the shape check into the (recursive) class-transformer.
import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { BusinessRuleViolation, InvalidInputError, NotFoundError } from '@orderly/kernel';
import { MAX_BODY_DEPTH, refuseBodyShape } from '../../src/http/http-pipeline.js';
import { HTTP_PROBLEMS, PROBLEM_TYPE_BASE } from '../../src/http/problem-details.js';
import { toProblem } from '../../src/http/to-problem.js';

const SCHEME = new RegExp(`^${PROBLEM_TYPE_BASE.replace(/[./]/g, '\\$&')}[a-z][a-z0-9-]*$`);

describe('toProblem', () => {
  class WidgetNotFound extends NotFoundError {
    constructor() {
      super('Widget', 'w-1');
    }
  }
  it.each<[string, unknown, number, string]>([
    ['a module error', new WidgetNotFound(), 404, 'widget-not-found'],
    ['any invalid input', new InvalidInputError('bad', { errors: [] }), 400, 'invalid-request'],
    ['a broken business rule', new BusinessRuleViolation({ name: 'WidgetsCannotFly', isBroken: () => true, message: 'no', kind: 'conflict' }), 409, 'widgets-cannot-fly'],
    ['a rule with a number in its name', new BusinessRuleViolation({ name: 'NameMustBeOneTo200Characters', isBroken: () => true, message: 'no', kind: 'unprocessable' }), 422, 'name-must-be-one-to-200-characters'],
    ["Nest's 404 for an unknown route", new NotFoundException('Cannot GET /x'), 404, 'not-found'],
    ["Nest's 400", new BadRequestException('bad'), 400, 'invalid-request'],
    ['a 413 from body-parser', Object.assign(new Error('too large'), { type: 'entity.too.large', limit: 10 }), 413, 'body-too-large'],
    ['malformed JSON from body-parser', Object.assign(new Error('x'), { type: 'entity.parse.failed' }), 400, 'malformed-json'],
    ['a bug', new TypeError('undefined is not a function'), 500, 'internal-error'],
    ['something thrown that is not an Error', 'a string', 500, 'internal-error'],
  ])('%s is a problem of the one type scheme', (_what, error, status, name) => {
    const problem = toProblem(error);
    expect(problem).toMatchObject({ status, type: `${PROBLEM_TYPE_BASE}${name}` });
    expect(problem.type).toMatch(SCHEME);
  });

  it('names an HttpException of a status it has no problem for in the same scheme', () => {
    expect(toProblem(new HttpException('slow down', 429))).toMatchObject({ type: `${PROBLEM_TYPE_BASE}too-many-requests`, status: 429 });
  });

  it('never explains a 500', () => {
    expect(toProblem(new Error('SELECT * FROM secrets')).detail).not.toContain('SELECT');
  });

  it('has a title and a description for each of apps/api own problems', () => {
    for (const [name, kind] of Object.entries(HTTP_PROBLEMS)) {
      expect(`${PROBLEM_TYPE_BASE}${name}`).toMatch(SCHEME);
      expect(kind.title.length).toBeGreaterThan(0);
      expect(kind.description.length).toBeGreaterThan(0);
    }
  });
});

describe('refuseBodyShape', () => {
  const nested = (depth: number, open: string, leaf: string, close: string) => JSON.parse(open.repeat(depth) + leaf + close.repeat(depth));

  it.each<[string, unknown, RegExp | undefined]>([
    ['an object', { a: [1, { b: 2 }] }, undefined],
    [`an object ${MAX_BODY_DEPTH} levels deep`, nested(MAX_BODY_DEPTH, '{"a":', '1', '}'), undefined],
    ['null', null, /not null/],
    ['a number', 3, /not a number/],
    ['a string', 'x', /not a string/],
    ['an array', [], /not an array/],
    [`an object ${MAX_BODY_DEPTH + 1} levels deep`, nested(MAX_BODY_DEPTH + 1, '{"a":', '1', '}'), /more than 32 levels deep/],
    ['arrays a million levels deep inside an object', { items: nested(1_000_000, '[', '', ']') }, /more than 32 levels deep/],
  ])('%s', (_what, body, refusal) => {
    if (refusal) expect(refuseBodyShape(body)).toMatch(refusal);
    else expect(refuseBodyShape(body)).toBeUndefined();
  });
});
