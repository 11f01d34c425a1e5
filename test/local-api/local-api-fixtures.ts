import { afterEach, beforeEach } from 'vitest';
import type { LocalApiClient } from '../../agent-core/protocol/local-api';
import { startLocalApiHarness, type LocalApiHarness, type TransportKind } from '../fixtures/local-api';

/** For a describe block: each test gets a harness over `kind` of its own and a client connected to it, closed after the test. */
export function useLocalApiHarness(kind: TransportKind): { readonly harness: LocalApiHarness; readonly client: LocalApiClient } {
  let current: { harness: LocalApiHarness; client: LocalApiClient } | null = null;
  let harness: LocalApiHarness | null = null;
  beforeEach(async () => {
    harness = await startLocalApiHarness(kind);
    current = { harness, client: await harness.connect() };
  });
  afterEach(async () => {
    current = null;
    await harness?.close();
    harness = null;
  });
  const opened = () => {
    if (!current) throw new Error('the local-API harness exists only while its tests run');
    return current;
  };
  return {
    get harness() {
      return opened().harness;
    },
    get client() {
      return opened().client;
    },
  };
}
