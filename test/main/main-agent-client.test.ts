import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { agentProcessArgs, type AgentProcessTask, type ToAgentProcess } from '../../agent-core/protocol/desktop';
import type { AgentState } from '../../agent-core/protocol/local-api';
import { KeychainSecretStore } from '../../agent-core/secrets';
import { runAgentProcess, type ParentPortLike } from '../../agent-core/utility-process';
import { AgentHost, type AgentProcess } from '../../main/agent-host';
import { MainAgentClient } from '../../main/main-agent-client';
import { trayTooltip } from '../../main/tray-icon';
import { MessageChannelMain } from '../fixtures/fake-electron';
import { makeTempDir } from '../fixtures/temp-dir';
import { waitFor } from '../fixtures/wait';

vi.mock('electron', () => import('../fixtures/fake-electron'));

/**
 * The agent's utility process run inside this Node process: main's messages reach the real
 * runAgentProcess as Electron's parentPort would deliver them, over real MessagePorts.
 */
class InProcessAgent extends EventEmitter implements AgentProcess {
  private readonly inbox = new EventEmitter();

  constructor(task: AgentProcessTask, secretStore: KeychainSecretStore) {
    super();
    const parent: ParentPortLike = {
      on: (event, listener) => this.inbox.on(event, listener),
      postMessage: (message) => setImmediate(() => this.emit('message', message)),
    };
    runAgentProcess(parent, agentProcessArgs(task), { secretStore, log: () => undefined }).then(
      () => this.emit('exit', 0),
      () => this.emit('exit', 1),
    );
  }

  postMessage(message: ToAgentProcess, transfer: unknown[] = []): void {
    this.inbox.emit('message', { data: message, ports: transfer });
  }

  kill(): boolean {
    return false;
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('main agent client', () => {
  it('gives main the agent’s live state over its own port, as the tray shows it', async () => {
    const storage = makeTempDir();
    cleanups.push(storage.cleanup);
    const secrets = new KeychainSecretStore(`berth-test-${randomUUID()}`);
    const host = new AgentHost((task) => new InProcessAgent(task, secrets), () => new MessageChannelMain() as never);
    const link = new MainAgentClient(host);
    cleanups.push(() => host.stop());
    const states: AgentState[] = [];
    link.watch((state) => states.push(state));
    host.start({ kind: 'embedded', storagePath: storage.path });

    const first = await waitFor(() => states.at(-1), 'main to receive the agent’s state');
    expect(first.host.storagePath).toBe(storage.path);
    expect(link.live).toBe(true);

    await link.client.call('settings.update', { name: 'deploy-01' });
    const renamed = await waitFor(() => states.find((state) => state.settings.name === 'deploy-01'), 'the change to reach main');
    const view = { agent: host.state, mode: 'embedded' as const, service: 'not-installed' as const, state: renamed, live: link.live, startAtLogin: null, update: { status: 'disabled' as const, version: null, canRestart: false } };
    expect(trayTooltip(view)).toBe('Berth — no control plane · no slots');

    await host.stop();
    expect(host.state).toBe('stopped');
    await waitFor(() => !link.client.connected, 'main’s port to close with the agent');
  });
});
