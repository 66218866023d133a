// The notifications service must handle exactly what apps/api delivers to notifications in-process
// (apps/api's subscriptions are documented in docs/asyncapi.json, kept equal to the code by
// apps/api's tests): otherwise moving the module out would silently drop or add an e-mail.
import { readFileSync } from 'node:fs';
import * as notifications from '@orderly/notifications';
import { NOTIFICATIONS_SUBSCRIPTIONS } from '../../src/index.js';

const asyncApi = JSON.parse(readFileSync(new URL('../../../../docs/asyncapi.json', import.meta.url), 'utf8')) as {
  operations: Record<string, { action: string }>;
};

it('handles the same events as the in-process notifications module', () => {
  // The handlers notifications declares in its contracts (declareHandler): name, event, token.
  const handlers = new Set(
    Object.values(notifications as Record<string, unknown>)
      .filter((v): v is { name: string; listensTo: unknown } => typeof v === 'object' && v !== null && 'listensTo' in v)
      .map((v) => v.name),
  );
  const inProcess = Object.entries(asyncApi.operations)
    .filter(([id, op]) => op.action === 'receive' && handlers.has(id.split('.receive.')[0]!))
    .map(([id]) => id)
    .sort();
  const here = NOTIFICATIONS_SUBSCRIPTIONS.map((s) => `${s.handler.name}.receive.${s.schema.type}.v${s.schema.version}`).sort();
  expect(inProcess.length).toBeGreaterThan(0);
  expect(here).toEqual(inProcess);
});
