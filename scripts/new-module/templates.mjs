// The files of a new module package, following the conventions of packages/orders,
// packages/products and packages/notifications. Each file says what to replace.

export function moduleFiles(n) {
  const { name, pascal, camel, constant, schema, role, migrationTimestamp: ts, versions, messagingVersion } = n;
  const dep = (pkg) => versions.dependencies?.[pkg] ?? versions.devDependencies?.[pkg];
  const packageJson = {
    name: `@orderly/${name}`,
    version: '0.1.0',
    private: true,
    type: 'module',
    exports: { '.': { '@orderly/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' } },
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json --noEmit',
      lint: 'eslint src test',
      'test:unit': 'node ../../scripts/jest.mjs --tier unit',
      'test:integration': 'node ../../scripts/jest.mjs --tier integration',
    },
    dependencies: { '@nestjs/common': dep('@nestjs/common'), '@orderly/kernel': dep('@orderly/kernel'), typeorm: dep('typeorm') },
    devDependencies: { '@orderly/testing': dep('@orderly/testing'), pg: dep('pg') },
  };
  const migration = `Create${pascal}Schema${ts}`;

  return {
    'package.json': `${JSON.stringify(packageJson, null, 2)}\n`,
    'tsconfig.json': `{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": ".", "noEmit": true, "types": ["node", "jest"] },
  "include": ["src", "test"]
}
`,
    'tsconfig.build.json': `{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "customConditions": [] },
  "include": ["src"]
}
`,
    'src/index.ts': `// @orderly/${name} - public API. Everything else in this package is internal.
//
// Provides: ${pascal}Status (how many notes the module holds). Needs: ${constant}_CLOCK.

export type { ${pascal}StatusDto } from './contracts/dto.js';
export { ${constant}_CLOCK, type ${pascal}Clock } from './contracts/ports.js';

export { ${pascal}Module, type ${pascal}ModuleOptions } from './internal/${name}.module.js';
export { ${camel}Database } from './internal/infrastructure/${name}-database.js';
export { ${pascal}Status } from './internal/application/${name}-status.js';
export type { ${pascal}NoteReader } from './internal/application/ports.js';
`,
    'src/contracts/dto.ts': `/** What ${name} answers over HTTP and to other modules. */
export interface ${pascal}StatusDto {
  readonly module: '${name}';
  readonly notes: number;
  readonly checkedAt: string;
}
`,
    'src/contracts/events.ts': `// Events ${name} publishes (EventSchema from @orderly/kernel/domain, versioned) and the payloads it
// expects from the events it subscribes to, in its own terms. None yet.
export {};
`,
    'src/contracts/ports.ts': `import { portToken } from '@orderly/kernel/domain';

/** What ${name} needs from outside: the composition root (apps/api) binds it. */
export interface ${pascal}Clock {
  now(): Date;
}

export const ${constant}_CLOCK = portToken<${pascal}Clock>('${name}.Clock');
`,
    [`src/internal/domain/${name}-status.ts`]: `import type { ${pascal}StatusDto } from '../../contracts/dto.js';

/** Pure domain code: no NestJS, no TypeORM. Replace with the module's first aggregate. */
export function describeStatus(notes: number, at: Date): ${pascal}StatusDto {
  if (!Number.isInteger(notes) || notes < 0) throw new RangeError(\`a note count is a whole number >= 0, not \${notes}\`);
  return { module: '${name}', notes, checkedAt: at.toISOString() };
}
`,
    'src/internal/application/ports.ts': `/** What ${name}'s use cases need from storage; infrastructure implements it, tests fake it. */
export interface ${pascal}NoteReader {
  countNotes(): Promise<number>;
}
`,
    [`src/internal/application/${name}-status.ts`]: `import type { ${pascal}StatusDto } from '../../contracts/dto.js';
import type { ${pascal}Clock } from '../../contracts/ports.js';
import { describeStatus } from '../domain/${name}-status.js';
import type { ${pascal}NoteReader } from './ports.js';

/** Use case: how ${name} is doing. */
export class ${pascal}Status {
  constructor(
    private readonly notes: ${pascal}NoteReader,
    private readonly clock: ${pascal}Clock,
  ) {}

  async current(): Promise<${pascal}StatusDto> {
    return describeStatus(await this.notes.countNotes(), this.clock.now());
  }
}
`,
    [`src/internal/infrastructure/migrations/${ts}-Create${pascal}Schema.ts`]: `import { createMessagingSchema, dropMessagingSchema } from '@orderly/kernel';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Runs as ${role}, which owns schema ${schema} and nothing else. */
export class ${migration} implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`
      CREATE TABLE ${schema}.notes (
        id         uuid PRIMARY KEY,
        text       text NOT NULL,
        created_at timestamptz NOT NULL
      )\`);
    // The outbox and inbox as the kernel defined them at version ${messagingVersion}; later versions come
    // as migrations of their own, so this one never changes what it does.
    await createMessagingSchema(queryRunner, '${schema}', ${messagingVersion});
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingSchema(queryRunner, '${schema}', ${messagingVersion});
    await queryRunner.query(\`DROP TABLE ${schema}.notes\`);
  }
}
`,
    [`src/internal/infrastructure/${name}-database.ts`]: `import type { ModuleDatabaseDefinition } from '@orderly/kernel';
import { ${migration} } from './migrations/${ts}-Create${pascal}Schema.js';

export const ${camel}Database: ModuleDatabaseDefinition = {
  module: '${name}',
  schema: '${schema}',
  role: '${role}',
  entities: [],
  migrations: [${migration}],
};
`,
    [`src/internal/infrastructure/typeorm-${name}-note-reader.ts`]: `import type { DataSource } from 'typeorm';
import type { ${pascal}NoteReader } from '../application/ports.js';

export class TypeOrm${pascal}NoteReader implements ${pascal}NoteReader {
  constructor(private readonly dataSource: DataSource) {}

  async countNotes(): Promise<number> {
    const rows: { count: number }[] = await this.dataSource.query('SELECT count(*)::int AS count FROM ${schema}.notes');
    return rows[0]?.count ?? 0;
  }
}
`,
    [`src/internal/http/${name}.controller.ts`]: `import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, namedSchema, Public } from '@orderly/kernel';
import type { ${pascal}StatusDto } from '../../contracts/dto.js';
import { ${pascal}Status } from '../application/${name}-status.js';

/** The answer's shape for /openapi.json (DTOs are interfaces, gone at run time). */
const ${pascal}StatusSchema = namedSchema('${pascal}Status', {
  type: 'object',
  additionalProperties: false,
  required: ['module', 'notes', 'checkedAt'],
  properties: {
    module: { const: '${name}' },
    notes: { type: 'integer', minimum: 0 },
    checkedAt: { type: 'string', format: 'date-time' },
  },
});

@Controller('${name}')
export class ${pascal}Controller {
  constructor(private readonly status: ${pascal}Status) {}

  @Get('status')
  // Every route says who may call it (the app refuses to start otherwise): @Public() or
  // @RequireScope('<scope>') - then give it its rows in apps/api's authorization matrix test.
  @Public()
  @ApiOperation({ summary: 'How ${name} is doing', description: 'Replace with the first operation of the module.' })
  @ApiResponse(200, { description: 'The module and how many notes it holds', schema: ${pascal}StatusSchema })
  current(): Promise<${pascal}StatusDto> {
    return this.status.current();
  }
}
`,
    [`src/internal/${name}.module.ts`]: `import { Module, type DynamicModule } from '@nestjs/common';
import { moduleDatabaseProviders, type ModuleConnection } from '@orderly/kernel';
import { DataSource } from 'typeorm';
import { ${constant}_CLOCK, type ${pascal}Clock } from '../contracts/ports.js';
import { ${pascal}Status } from './application/${name}-status.js';
import { ${pascal}Controller } from './http/${name}.controller.js';
import { ${camel}Database } from './infrastructure/${name}-database.js';
import { TypeOrm${pascal}NoteReader } from './infrastructure/typeorm-${name}-note-reader.js';

export interface ${pascal}ModuleOptions {
  readonly connection: ModuleConnection;
  /** The system clock when not given. */
  readonly clock?: ${pascal}Clock;
}

/** ${pascal}: replace this line with what the module is for. */
@Module({})
export class ${pascal}Module {
  static forRoot(options: ${pascal}ModuleOptions): DynamicModule {
    return {
      module: ${pascal}Module,
      controllers: [${pascal}Controller],
      providers: [
        ...moduleDatabaseProviders(${camel}Database, options.connection),
        { provide: ${constant}_CLOCK, useValue: options.clock ?? { now: () => new Date() } },
        {
          provide: ${pascal}Status,
          useFactory: (dataSource: DataSource, clock: ${pascal}Clock) => new ${pascal}Status(new TypeOrm${pascal}NoteReader(dataSource), clock),
          inject: [DataSource, ${constant}_CLOCK],
        },
      ],
      exports: [${pascal}Status],
    };
  }
}
`,
    'test/fakes/fakes.ts': `import type { ${pascal}Clock, ${pascal}NoteReader } from '@orderly/${name}';

export class FakeNoteReader implements ${pascal}NoteReader {
  constructor(public notes = 0) {}

  async countNotes(): Promise<number> {
    return this.notes;
  }
}

export class FixedClock implements ${pascal}Clock {
  constructor(private readonly at = new Date('2026-01-01T00:00:00.000Z')) {}

  now(): Date {
    return this.at;
  }
}
`,
    [`test/unit/${name}-status.test.ts`]: `import { describeStatus } from '../../src/internal/domain/${name}-status.js';

describe('the ${name} status', () => {
  it('counts the notes at a point in time', () => {
    expect(describeStatus(3, new Date('2026-01-01T00:00:00.000Z'))).toEqual({ module: '${name}', notes: 3, checkedAt: '2026-01-01T00:00:00.000Z' });
  });

  it('refuses a count that is not a whole number >= 0', () => {
    expect(() => describeStatus(-1, new Date())).toThrow('a note count is a whole number >= 0, not -1');
  });
});
`,
    [`test/contract/${name}-public-api.test.ts`]: `// Contract test through @orderly/${name}'s public entry only, with fakes of its ports.
import { ${pascal}Status, ${camel}Database, ${constant}_CLOCK } from '@orderly/${name}';
import { FakeNoteReader, FixedClock } from '../fakes/fakes.js';

describe('@orderly/${name} public API', () => {
  it('reports its status through its ports', async () => {
    await expect(new ${pascal}Status(new FakeNoteReader(2), new FixedClock()).current()).resolves.toEqual({
      module: '${name}',
      notes: 2,
      checkedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('names its schema, its role and its port token', () => {
    expect(${camel}Database).toMatchObject({ module: '${name}', schema: '${schema}', role: '${role}' });
    expect(typeof ${constant}_CLOCK).toBe('symbol');
  });
});
`,
    [`test/integration/${name}-storage.test.ts`]: `// Integration: ${name}'s migrations and reader on real PostgreSQL, as ${name}'s own role.
import { createModuleDataSource, OutboxAdmin, provisionModuleDatabases } from '@orderly/kernel';
import { startTestPostgres, type TestPostgres } from '@orderly/testing';
import type { DataSource } from 'typeorm';
import { ${pascal}Status } from '../../src/internal/application/${name}-status.js';
import { ${camel}Database } from '../../src/internal/infrastructure/${name}-database.js';
import { TypeOrm${pascal}NoteReader } from '../../src/internal/infrastructure/typeorm-${name}-note-reader.js';
import { FixedClock } from '../fakes/fakes.js';

let postgres: TestPostgres;
let dataSource: DataSource;

beforeAll(async () => {
  postgres = await startTestPostgres();
  const connections = await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [${camel}Database] });
  dataSource = createModuleDataSource(${camel}Database, connections.get('${name}')!);
  await dataSource.initialize();
});
afterAll(async () => {
  await dataSource?.destroy();
  await postgres?.stop();
});

it('migrates its schema and counts what it stores', async () => {
  const status = new ${pascal}Status(new TypeOrm${pascal}NoteReader(dataSource), new FixedClock());
  expect((await status.current()).notes).toBe(0);
  await dataSource.query('INSERT INTO ${schema}.notes (id, text, created_at) VALUES ($1, $2, now())', [crypto.randomUUID(), 'first']);
  expect((await status.current()).notes).toBe(1);
});

it('has the messaging tables that the outbox relay and the events command use', async () => {
  // What the relay and \`npm run events\` read: the outbox and every subscriber's deliveries.
  const outbox = new OutboxAdmin(dataSource, '${schema}');
  await expect(outbox.stats()).resolves.toEqual({ pending: 0, dead: 0, oldestPendingAgeMs: 0 });
  await expect(outbox.subscriberStats()).resolves.toEqual([]);
  await expect(outbox.list(['pending', 'dead'], 10, 'any-subscriber')).resolves.toEqual([]);
});
`,
  };
}
