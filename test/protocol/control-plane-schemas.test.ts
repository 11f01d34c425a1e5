import { Ajv2020 } from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import {
  AgentFrame,
  COMMAND_NAMES,
  COMMAND_PAYLOADS,
  HelloMessage,
  ReliableMessage,
  ResultMessage,
  ServerFrame,
  SlotDeployPayload,
  TypedCommandMessage,
  protocolJsonSchemas,
} from '../../agent-core/protocol/control-plane';

// The examples of protocol.md, as a server author reads them.
const HELLO = {
  type: 'hello',
  protocol: 1,
  agent: { name: 'deploy-01', version: '0.3.0', os: 'win32', arch: 'x64', hostname: 'QA-BOX-3', addresses: ['10.0.0.5'] },
  slots: [],
  lastSeq: 118,
};
const WELCOME = { type: 'welcome', hostId: 'host_9f2', heartbeatIntervalMs: 15000, workspaceAllowlist: ['acme-web'], ackedSeq: 112, serverTime: '2026-11-22T10:00:00Z' };
const SLOT_STATUS = {
  slotId: 'slot_7',
  name: 'qa-1',
  workspace: 'acme-web',
  status: 'running',
  liveColor: 'green',
  productionDeploymentId: 'dep_3',
  previewDeploymentIds: [],
  url: 'http://qa-1.example.com:8080',
  error: null,
  updatedAt: '2026-11-22T10:00:10Z',
  warm: null,
  guard: null,
};
const SPEC = {
  id: 'slot_7',
  name: 'qa-1',
  workspace: 'acme-web',
  url: 'http://qa-1.example.com:8080',
  repository: { url: 'https://github.com/acme/web.git', token: 'ghp_secret' },
  template: {
    workingDirectory: null,
    initial: [{ type: 'bash', arguments: 'npm ci', name: 'install', workingDirectory: null, env: { NODE_ENV: '{NodeEnv}' }, service: false }],
    startup: [{ type: 'bash', arguments: 'npm start', service: true }],
    startupExecution: 'sequential',
    shutdown: [],
    variables: [{ name: 'NodeEnv', default: 'production', secret: false }],
  },
  variables: { NodeEnv: 'staging' },
  traffic: { mode: 'blue-green', publicPort: 8080, healthCheck: { path: '/healthz', expectStatus: 200, timeoutMs: 60000, intervalMs: 250 }, drainTimeoutMs: 10000 },
};
const DEPLOYMENT = {
  id: 'dep_3',
  slotId: 'slot_7',
  status: 'ready',
  color: 'green',
  source: { kind: 'git', branch: 'main', commit: '9c1e' },
  contentHash: null,
  isProduction: true,
  port: 41873,
  createdAt: '2026-11-22T10:00:00Z',
  readyAt: '2026-11-22T10:00:09Z',
  promotedAt: '2026-11-22T10:00:09Z',
  expiresAt: null,
  error: null,
  commandId: 'cmd_01HF',
};

describe('control-plane schemas', () => {
  it('read the hello, welcome, heartbeat and ack of the protocol', () => {
    expect(HelloMessage.parse(HELLO)).toEqual(HELLO);
    const welcome = ServerFrame.parse(WELCOME);
    expect(welcome).toEqual(WELCOME);
    expect(ServerFrame.parse({ ...WELCOME, workspaceAllowlist: null }).type).toBe('welcome');
    const { workspaceAllowlist: _absent, ...everyWorkspace } = WELCOME;
    expect(ServerFrame.safeParse(everyWorkspace).success).toBe(true);
    expect(AgentFrame.parse({ type: 'heartbeat', ts: '2026-11-22T10:00:15Z', slots: [SLOT_STATUS] }).type).toBe('heartbeat');
    expect(ServerFrame.parse({ type: 'ack', seq: 131 })).toEqual({ type: 'ack', seq: 131 });
  });

  it('put a reliable message body beside type and seq', () => {
    expect(ReliableMessage.parse({ type: 'slot.status', seq: 12, ...SLOT_STATUS })).toMatchObject({ seq: 12, slotId: 'slot_7' });
    expect(ReliableMessage.parse({ type: 'deployment.update', seq: 13, ...DEPLOYMENT })).toMatchObject({ seq: 13, id: 'dep_3' });
    expect(ReliableMessage.safeParse({ type: 'accepted', commandId: 'cmd_1' }).success).toBe(false);
    expect(ReliableMessage.safeParse({ type: 'accepted', seq: 0, commandId: 'cmd_1' }).success).toBe(false);
  });

  it('tell a successful result from a failed one, which may carry the failed deployment', () => {
    expect(ResultMessage.safeParse({ type: 'result', seq: 1, commandId: 'c', ok: true, data: DEPLOYMENT }).success).toBe(true);
    expect(ResultMessage.safeParse({ type: 'result', seq: 1, commandId: 'c', ok: false, error: { code: 'COMMAND_FAILED', message: 'x' }, data: { ...DEPLOYMENT, status: 'failed' } }).success).toBe(true);
    expect(ResultMessage.safeParse({ type: 'result', seq: 1, commandId: 'c', ok: false }).success).toBe(false);
    expect(ResultMessage.safeParse({ type: 'result', seq: 1, commandId: 'c', ok: false, error: { code: 'OOPS', message: 'x' } }).success).toBe(false);
  });

  it('read a command whatever its name, so an unknown one can be answered', () => {
    expect(ServerFrame.parse({ type: 'command', commandId: 'cmd_1', name: 'slot.fly', payload: {} })).toMatchObject({ name: 'slot.fly' });
    expect(TypedCommandMessage.safeParse({ type: 'command', commandId: 'cmd_1', name: 'slot.fly', payload: {} }).success).toBe(false);
    expect(TypedCommandMessage.parse({ type: 'command', commandId: 'cmd_1', name: 'host.status', payload: {} }).name).toBe('host.status');
  });

  it('default promote to true and check the slot spec of a deploy', () => {
    const payload = SlotDeployPayload.parse({ slot: SPEC, source: { kind: 'git', branch: 'feature/login', commit: null } });
    expect(payload.promote).toBe(true);
    expect(SlotDeployPayload.safeParse({ slot: { ...SPEC, name: '..' }, source: { kind: 'git', branch: 'main' } }).success).toBe(false);
    expect(SlotDeployPayload.safeParse({ slot: SPEC, source: { kind: 'directory', path: 'C:\\apps\\miniapp' } }).success).toBe(true);
  });

  it('have a payload schema for every command of the protocol table', () => {
    expect(COMMAND_NAMES).toEqual([
      'slot.deploy',
      'slot.batchDeploy',
      'slot.start',
      'slot.stop',
      'slot.restart',
      'slot.promote',
      'slot.rollback',
      'slot.remove',
      'slot.logs',
      'slot.logs.subscribe',
      'slot.logs.unsubscribe',
      'slot.metrics',
      'deployments.list',
      'deployments.delete',
      'host.status',
    ]);
    expect(COMMAND_PAYLOADS['slot.logs'].parse({ slotId: 'slot_7' }).which).toBe('latest');
    expect(COMMAND_PAYLOADS['slot.rollback'].safeParse({ slotId: 'slot_7' }).success).toBe(true);
    expect(COMMAND_PAYLOADS['slot.metrics'].parse({ slotId: 'slot_7' }).windowSeconds).toBe(300);
    expect(COMMAND_PAYLOADS['slot.metrics'].safeParse({ slotId: 'slot_7', windowSeconds: 3601 }).success).toBe(false);
  });

  it('publish JSON Schema that accepts what the zod schemas accept, for servers in any language', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const files = protocolJsonSchemas() as Record<string, object>;
    const validate = (path: string, value: unknown): boolean => ajv.validate(files[path]!, value) as boolean;
    expect(validate('messages/hello.json', HELLO)).toBe(true);
    expect(validate('messages/welcome.json', WELCOME)).toBe(true);
    expect(validate('messages/welcome.json', { ...WELCOME, ackedSeq: -1 })).toBe(false);
    expect(validate('messages/slot.status.json', { type: 'slot.status', seq: 12, ...SLOT_STATUS })).toBe(true);
    expect(validate('messages/command.json', { type: 'command', commandId: 'c', name: 'slot.deploy', payload: { slot: SPEC, source: { kind: 'git', branch: 'main' } } })).toBe(true);
    expect(validate('messages/command.json', { type: 'command', commandId: 'c', name: 'slot.deploy', payload: { source: { kind: 'git', branch: 'main' } } })).toBe(false);
    expect(validate('agent-frame.json', { type: 'deployment.update', seq: 3, ...DEPLOYMENT, futureField: 1 })).toBe(true);
    expect(validate('server-frame.json', { type: 'cancel', commandId: 'c' })).toBe(true);
    expect(validate('commands/slot.deploy.result.json', DEPLOYMENT)).toBe(true);
    const index = files['index.json'] as { messages: Record<string, { schema: string }>; commands: Record<string, { payload: string; result: string }> };
    for (const entry of Object.values(index.messages)) expect(files[entry.schema]).toBeDefined();
    for (const entry of Object.values(index.commands)) expect(files[entry.payload] && files[entry.result]).toBeTruthy();
  });
});
