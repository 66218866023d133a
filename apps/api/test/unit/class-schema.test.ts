import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsHexColor, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { objectSchema, type ClassSchemaRegistry } from '../../src/http/openapi/class-schema.js';

class Line {
  @IsUUID()
  id!: string;

  @IsInt()
  @Min(1)
  @Max(9)
  count!: number;
}

class Request {
  @IsString()
  @Length(2, 5)
  @Matches(/^[a-z]+$/)
  code!: string;

  @IsOptional()
  @IsInt()
  page?: number;

  @ArrayMaxSize(3)
  @ArrayUnique((line: Line) => line.id, { message: 'lines must not repeat an id' })
  @ValidateNested({ each: true })
  @Type(() => Line)
  lines!: Line[];
}

class Colour {
  @IsHexColor()
  colour!: string;
}

const registry: ClassSchemaRegistry = { reference: (target) => ({ $ref: `#/components/schemas/${target.name}` }) };

it('documents exactly the constraints the ValidationPipe enforces', () => {
  expect(objectSchema(Request, registry)).toEqual({
    type: 'object',
    additionalProperties: false,
    required: ['code', 'lines'],
    properties: {
      code: { type: 'string', minLength: 2, maxLength: 5, pattern: '^[a-z]+$' },
      page: { type: 'integer' },
      lines: { type: 'array', maxItems: 3, uniqueItems: true, description: 'lines must not repeat an id', items: { $ref: '#/components/schemas/Line' } },
    },
  });
  expect(objectSchema(Line, registry)).toEqual({
    type: 'object',
    additionalProperties: false,
    required: ['id', 'count'],
    properties: { id: { type: 'string', format: 'uuid' }, count: { type: 'integer', minimum: 1, maximum: 9 } },
  });
});

it('refuses to build a document that would not describe a constraint', () => {
  expect(() => objectSchema(Colour, registry)).toThrow('Colour.colour: class-validator constraint "isHexColor" has no OpenAPI mapping');
});

class TwoPatterns {
  @Matches(/^[a-z]+$/)
  @Matches(/^.{2,3}$/)
  word!: string;
}

it('keeps both of two patterns on one property', () => {
  expect(objectSchema(TwoPatterns, registry).properties).toEqual({ word: { pattern: '^.{2,3}$', allOf: [{ pattern: '^[a-z]+$' }] } });
});
