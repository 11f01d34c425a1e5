import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../agent-core/connection/outbox';
import { openStore } from '../../agent-core/store';
import type { ReliableMessage } from '../../agent-core/protocol/control-plane';
import { openTempStore } from '../fixtures/temp-store';

describe('outbox', () => {
  let temp: ReturnType<typeof openTempStore>;
  beforeEach(() => {
    temp = openTempStore();
  });
  afterEach(() => temp.cleanup());

  const accepted = (commandId: string) => ({ type: 'accepted' as const, commandId });

  it('numbers messages from 1 and keeps them until acknowledged, cumulatively', () => {
    const outbox = new Outbox(temp.store);
    expect(outbox.lastSeq).toBe(0);
    expect([1, 2, 3].map((n) => outbox.add(accepted(`c${n}`)).seq)).toEqual([1, 2, 3]);
    const sent: ReliableMessage[] = [];
    outbox.attach(0, (message) => sent.push(message) > 0);
    expect(outbox.ack(2)).toBe(2);
    expect(outbox.pending().map((message) => message.seq)).toEqual([3]);
  });

  it('commits a message before handing it to the socket', () => {
    const outbox = new Outbox(temp.store);
    let onDiskWhenSent = -1;
    outbox.attach(0, () => {
      onDiskWhenSent = outbox.pending().length;
      return true;
    });
    outbox.add(accepted('c1'));
    expect(onDiskWhenSent).toBe(1);
  });

  it('re-sends what the server has not stored, in order, before anything new', () => {
    const outbox = new Outbox(temp.store);
    for (let n = 1; n <= 5; n++) outbox.add(accepted(`c${n}`));
    const sent: number[] = [];
    const { resent } = outbox.attach(2, (message) => sent.push(message.seq) > 0);
    outbox.add(accepted('c6'));
    expect(resent).toBe(3);
    expect(sent).toEqual([3, 4, 5, 6]);
    expect(outbox.pending().map((message) => message.seq)).toEqual([3, 4, 5, 6]);
  });

  it('keeps numbering after every message was acknowledged and the database reopened', () => {
    const outbox = new Outbox(temp.store);
    outbox.add(accepted('c1'));
    outbox.add(accepted('c2'));
    outbox.attach(0, () => true);
    outbox.ack(2);
    expect(outbox.size).toBe(0);
    temp.store.close();
    const reopened = openStore(temp.storagePath);
    try {
      const again = new Outbox(reopened);
      expect(again.lastSeq).toBe(2);
      expect(again.add(accepted('c3')).seq).toBe(3);
    } finally {
      reopened.close();
    }
  });

  it('does not let an ack beyond what was sent drop a message the server never got', () => {
    const outbox = new Outbox(temp.store);
    outbox.add(accepted('c1'));
    outbox.attach(0, () => true);
    outbox.detach();
    outbox.add(accepted('c2'));
    outbox.attach(0, (message) => message.seq === 1);
    expect(outbox.ack(99)).toBe(1);
    expect(outbox.pending().map((message) => message.seq)).toEqual([2]);
  });

  it('stops sending at a socket that refuses, and sends nothing until the next session', () => {
    const outbox = new Outbox(temp.store);
    const sent: number[] = [];
    outbox.attach(0, (message) => (message.seq === 2 ? false : sent.push(message.seq) > 0));
    outbox.add(accepted('c1'));
    outbox.add(accepted('c2'));
    outbox.add(accepted('c3'));
    expect(sent).toEqual([1]);
    expect(outbox.pending()).toHaveLength(3);
  });

  it('renumbers unsent messages after the ackedSeq of a server that holds more than this agent ever sent', () => {
    const outbox = new Outbox(temp.store);
    outbox.add(accepted('c1'));
    outbox.add(accepted('c2'));
    const sent: ReliableMessage[] = [];
    const { renumbered } = outbox.attach(40, (message) => sent.push(message) > 0);
    expect(renumbered).toBe(true);
    expect(sent.map((message) => [message.seq, 'commandId' in message ? message.commandId : null])).toEqual([
      [41, 'c1'],
      [42, 'c2'],
    ]);
    expect(outbox.add(accepted('c3')).seq).toBe(43);
  });

  it('cuts an error text that would not fit one frame, and replaces an oversized result by an error', () => {
    const outbox = new Outbox(temp.store);
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const result = outbox.add({ type: 'result', commandId: 'c1', ok: true, data: { text: huge } });
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    const status = outbox.add({
      type: 'slot.status',
      slotId: 's',
      name: 'n',
      workspace: 'w',
      status: 'error',
      liveColor: null,
      productionDeploymentId: null,
      previewDeploymentIds: [],
      url: null,
      error: huge,
      updatedAt: new Date().toISOString(),
      warm: null,
      guard: null,
    });
    expect(JSON.stringify(status).length).toBeLessThan(1024 * 1024);
    expect(status.type === 'slot.status' && status.error?.startsWith('xxx')).toBe(true);
  });
});
