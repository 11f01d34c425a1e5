import { z } from 'zod';

/** How the desktop app reaches its agent: one it hosts itself, the Windows service's, or another process's on the same storage folder (`berth-agent run`). */
export const AgentMode = z.enum(['embedded', 'service', 'attached']);
export type AgentMode = z.infer<typeof AgentMode>;

/** What main sends the agent's utility process. A `connect` carries one MessagePort, served as a local-API client. */
export const ToAgentProcess = z.discriminatedUnion('type', [
  z.object({ type: z.literal('connect') }),
  /** Stop every slot with its shutdown commands (keeping their desired state), then exit. */
  z.object({ type: z.literal('stop') }),
]);
export type ToAgentProcess = z.infer<typeof ToAgentProcess>;

/** What the agent's utility process tells main. */
export const FromAgentProcess = z.discriminatedUnion('type', [
  /** The local API answers on the ports main hands over from now on. */
  z.object({ type: z.literal('ready'), mode: AgentMode }),
  /** The slots are stopped; the process exits next. */
  z.object({ type: z.literal('stopped') }),
  /** The agent cannot run (storage folder unusable, service unreachable…); the message says what to do. */
  z.object({ type: z.literal('fatal'), message: z.string() }),
]);
export type FromAgentProcess = z.infer<typeof FromAgentProcess>;

/** What main forks the agent's utility process to do. */
export type AgentProcessTask =
  | { kind: 'embedded'; storagePath?: string }
  /** Relay to the Windows service's local API instead of hosting an agent. */
  | { kind: 'service-client'; storagePath?: string }
  /** Berth.exe running as the Windows service: the agent with the service's credential store and a WebSocket API. */
  | { kind: 'service-host'; storagePath?: string }
  /**
   * Berth.exe started elevated by the installer or Settings: install or remove the service, then exit.
   * `user` is the person whose tray drives it; `account` what it runs as (default its virtual account).
   */
  | { kind: 'service-command'; action: 'install' | 'uninstall'; executable: string; storagePath?: string; user?: string; account?: string };

const TASK_FLAGS = {
  'service-client': '--service-client',
  'service-host': '--service-host',
  'service-command': '--service-command',
} as const;

/** The utility process's argv for a task; `parseAgentProcessArgs` reads it back. */
export function agentProcessArgs(task: AgentProcessTask): string[] {
  const storage = task.storagePath === undefined ? [] : ['--storage', task.storagePath];
  switch (task.kind) {
    case 'embedded':
      return storage;
    case 'service-client':
    case 'service-host':
      return [TASK_FLAGS[task.kind], ...storage];
    case 'service-command':
      return [
        TASK_FLAGS['service-command'],
        task.action,
        '--executable',
        task.executable,
        ...storage,
        ...(task.user === undefined ? [] : ['--user', task.user]),
        ...(task.account === undefined ? [] : ['--account', task.account]),
      ];
  }
}

export function parseAgentProcessArgs(argv: readonly string[]): AgentProcessTask {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    return index === -1 ? undefined : argv[index + 1];
  };
  const storagePath = value('--storage');
  const storage = storagePath === undefined ? {} : { storagePath };
  if (argv.includes(TASK_FLAGS['service-client'])) return { kind: 'service-client', ...storage };
  if (argv.includes(TASK_FLAGS['service-host'])) return { kind: 'service-host', ...storage };
  const action = value(TASK_FLAGS['service-command']);
  if (action !== undefined) {
    const executable = value('--executable');
    if ((action !== 'install' && action !== 'uninstall') || executable === undefined) {
      throw new Error(`the agent process cannot run '${argv.join(' ')}': expected --service-command install|uninstall --executable PATH`);
    }
    const user = value('--user');
    const account = value('--account');
    return { kind: 'service-command', action, executable, ...storage, ...(user === undefined ? {} : { user }), ...(account === undefined ? {} : { account }) };
  }
  return { kind: 'embedded', ...storage };
}
