// The messaging tables are versioned so that a migration keeps doing what it did when it shipped:
// createMessagingSchema(version) is exactly the steps up to that version, in order, and the newest
// version (what `npm run new-module` writes into a new module's first migration) is the last one.
import type { QueryRunner } from 'typeorm';
import {
  addAggregateOrderIndexes,
  addOutboxTraceparent,
  addSubscriberDeliveries,
  createMessagingSchema,
  createMessagingTables,
  dropMessagingSchema,
  dropMessagingTables,
  removeSubscriberDeliveries,
  type MessagingVersion,
} from '../../src/index.js';
import { LATEST_MESSAGING_VERSION } from '../../src/messaging/messaging-tables.js';

function recorder(): { runner: QueryRunner; sql: string[] } {
  const sql: string[] = [];
  return { sql, runner: { query: async (text: string) => void sql.push(text) } as unknown as QueryRunner };
}

async function sqlOf(...steps: ((runner: QueryRunner, schema: string) => Promise<void>)[]): Promise<string[]> {
  const { runner, sql } = recorder();
  for (const step of steps) await step(runner, 'gift_cards');
  return sql;
}

it('creates version 1 as createMessagingTables, version 2 as that plus addSubscriberDeliveries, version 3 plus addOutboxTraceparent, version 4 plus addAggregateOrderIndexes', async () => {
  expect(await sqlOf((r, s) => createMessagingSchema(r, s, 1))).toEqual(await sqlOf(createMessagingTables));
  expect(await sqlOf((r, s) => createMessagingSchema(r, s, 2))).toEqual(await sqlOf(createMessagingTables, addSubscriberDeliveries));
  expect(await sqlOf((r, s) => createMessagingSchema(r, s, 3))).toEqual(await sqlOf(createMessagingTables, addSubscriberDeliveries, addOutboxTraceparent));
  expect(await sqlOf((r, s) => createMessagingSchema(r, s, 4))).toEqual(
    await sqlOf(createMessagingTables, addSubscriberDeliveries, addOutboxTraceparent, addAggregateOrderIndexes),
  );
});

it('drops a version in reverse order', async () => {
  expect(await sqlOf((r, s) => dropMessagingSchema(r, s, 2))).toEqual(await sqlOf(removeSubscriberDeliveries, dropMessagingTables));
  expect(await sqlOf((r, s) => dropMessagingSchema(r, s, 1))).toEqual(await sqlOf(dropMessagingTables));
});

it('has the newest version as LATEST_MESSAGING_VERSION, and refuses any other number', async () => {
  await expect(sqlOf((r, s) => createMessagingSchema(r, s, LATEST_MESSAGING_VERSION))).resolves.not.toEqual([]);
  for (const version of [0, LATEST_MESSAGING_VERSION + 1, 1.5]) {
    await expect(sqlOf((r, s) => createMessagingSchema(r, s, version as MessagingVersion))).rejects.toThrow(`Unknown messaging tables version ${version}`);
  }
});
