import { createRequire } from 'node:module';
import { EVENT_PARTITIONS, EVENT_SUBJECT_PREFIX, type EventSchema, type JsonSchema } from '@orderly/kernel';
import { EVENT_SUBSCRIPTIONS } from '../app.module.js';
import { PUBLISHED_EVENTS } from './event-catalog.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export const ASYNCAPI_PATH = '/asyncapi.json';

type Json = { [key: string]: unknown };

/** Channel and message keys AsyncAPI allows (`^[A-Za-z0-9_.-]+$`). */
const messageKey = (schema: EventSchema<unknown>) => `${schema.type}.v${schema.version}`;

/** The envelope every event travels in (the kernel's EventEnvelope), around one version's payload. */
function envelope(schema: EventSchema<unknown>): JsonSchema {
  return {
    type: 'object',
    required: ['id', 'type', 'version', 'occurredAt', 'aggregateId', 'correlationId', 'causationId', 'payload'],
    properties: {
      id: { type: 'string', format: 'uuid', description: 'Unique per event: what subscribers deduplicate on.' },
      type: { type: 'string', const: schema.type },
      version: { type: 'integer', const: schema.version },
      occurredAt: { type: 'string', format: 'date-time' },
      aggregateId: { type: 'string', description: 'Events of one aggregate are delivered in the order they were published.' },
      correlationId: { type: 'string', description: 'Shared by every event of one request.' },
      causationId: { type: ['string', 'null'], description: 'The event or request that caused this one.' },
      payload: schema.payloadSchema,
    },
  };
}

/**
 * The AsyncAPI 3.0 document of Orderly's integration events, generated from the event contracts
 * (PUBLISHED_EVENTS) and the subscriptions of the composition root: a channel per event type with
 * a message per version, a send operation per publisher and a receive operation per subscribing
 * handler. Served at /asyncapi.json and committed as docs/asyncapi.json.
 */
export function buildAsyncApiDocument(): Json {
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  for (const { publisher, schemas } of PUBLISHED_EVENTS) {
    const byType = new Map<string, EventSchema<unknown>[]>();
    for (const schema of schemas) byType.set(schema.type, [...(byType.get(schema.type) ?? []), schema]);
    for (const [type, versions] of byType) {
      channels[type] = {
        address: `${EVENT_SUBJECT_PREFIX}.{partition}.${type}`,
        title: type,
        description: `${type} events, every version. Published by ${publisher}.`,
        parameters: {
          partition: {
            description: `0-${EVENT_PARTITIONS - 1}: FNV-1a of aggregateId modulo ${EVENT_PARTITIONS}; all events of one aggregate share a partition.`,
          },
        },
        messages: Object.fromEntries(versions.map((s) => [messageKey(s), { $ref: `#/components/messages/${messageKey(s)}` }])),
      };
      const channelMessages = versions.map((s) => ({ $ref: `#/channels/${type}/messages/${messageKey(s)}` }));
      operations[`${type}.publish`] = {
        action: 'send',
        channel: { $ref: `#/channels/${type}` },
        summary: `${publisher} publishes ${type} from its outbox, at least once (subscribers deduplicate on the event id).`,
        messages: channelMessages,
      };
      for (const schema of versions) {
        messages[messageKey(schema)] = {
          name: schema.type,
          title: `${schema.type} v${schema.version}`,
          summary: schema.description,
          contentType: 'application/json',
          headers: {
            type: 'object',
            properties: {
              'Nats-Msg-Id': { type: 'string', format: 'uuid', description: 'The event id; JetStream drops a re-publish within its duplicate window.' },
            },
          },
          payload: envelope(schema),
        };
      }
    }
  }
  for (const { schema, handler } of EVENT_SUBSCRIPTIONS) {
    if (!channels[schema.type]) throw new Error(`${handler.name} subscribes to ${schema.type}, which no module publishes (PUBLISHED_EVENTS)`);
    operations[`${handler.name}.receive.${messageKey(schema)}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${schema.type}` },
      summary: `${handler.name} handles ${schema.type} v${schema.version} once per event id (its module's inbox).`,
      messages: [{ $ref: `#/channels/${schema.type}/messages/${messageKey(schema)}` }],
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Orderly integration events',
      version,
      description:
        'Events Orderly modules publish through their transactional outbox. Each event type and version has a committed contract (docs/events/); ' +
        'an incompatible change is a new version, never an edit.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}
