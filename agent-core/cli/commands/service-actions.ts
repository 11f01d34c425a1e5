import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BerthError } from '../../protocol';
import { SERVICE_ID, type ServiceState } from '../../protocol/desktop';
import {
  defineService,
  installService,
  parseInstallingUser,
  parseServiceAccount,
  queryService,
  requireWindows,
  serviceLayout,
  serviceRoot,
  startServiceAgent,
  uninstallService,
  wrapperFiles,
  type ServiceHost,
} from '../../service';
import { defaultStoragePath } from '../../settings';
import { UsageError } from '../cli-command';
import { stopOnSignal } from '../stop-on-signal';
import type { ServiceAction } from './service';

/**
 * What the install copies for the service: this Node and the built agent's package (package.json,
 * out/, node_modules/). Not the sources: the service runs no loader of the installing terminal.
 */
export function thisAgent(node: string = process.execPath, script: string = resolve(process.argv[1] ?? 'berth-agent')): ServiceHost {
  if (!script.endsWith('.js')) {
    throw new BerthError('INVALID_PAYLOAD', "install the service from the built agent: 'npm run build', then 'node out/main/berth-agent.js service install'");
  }
  let packageRoot = dirname(script);
  while (!existsSync(join(packageRoot, 'package.json'))) {
    const parent = dirname(packageRoot);
    if (parent === packageRoot) throw new BerthError('NOT_FOUND', `no package.json above ${script}: the service needs the agent's package to copy`);
    packageRoot = parent;
  }
  return { kind: 'node', node, packageRoot, script: relative(packageRoot, script) };
}

const DESCRIBE: Record<ServiceState, string> = {
  'not-installed': 'not installed',
  stopped: 'installed, stopped',
  starting: 'installed, starting',
  running: 'installed, running',
  stopping: 'installed, stopping',
  unknown: 'installed, in a state the service manager did not tell',
};

const OPTIONS = {
  storage: { type: 'string' },
  access: { type: 'string' },
  account: { type: 'string' },
  user: { type: 'string' },
} as const;

export async function runServiceAction(action: ServiceAction, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (positionals.length > 0) throw new UsageError(`unexpected '${positionals.join(' ')}'`);
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  if (action === 'run') return runAsService(resolve(values.storage ?? defaultStoragePath()), values.access === undefined ? undefined : resolve(values.access));
  if (action === 'status') {
    const state = await queryService();
    log(`service '${SERVICE_ID}': ${process.platform === 'win32' ? DESCRIBE[state] : 'not available (service mode is for Windows)'}`);
    return state === 'running' || state === 'not-installed' ? 0 : 1;
  }
  // Before anything is looked up or copied.
  requireWindows(process.platform);
  const layout = serviceLayout(serviceRoot());
  const account = parseServiceAccount(values.account);
  const definition = defineService({ host: thisAgent(), layout, account, user: parseInstallingUser(values.user) });
  if (action === 'install') {
    await installService(definition, () => wrapperFiles(), { log });
    log(`service '${SERVICE_ID}' installed and started as ${account.name}; storage ${layout.storage}; ${definition.user} reaches it through ${layout.access}; logs in ${layout.logs}`);
    return 0;
  }
  log(
    (await uninstallService(definition, { log }))
      ? `service '${SERVICE_ID}' stopped and removed; its storage stays in ${layout.storage}`
      : `service '${SERVICE_ID}' is not installed`,
  );
  return 0;
}

/** The service's process: WinSW stops it with Ctrl+C, which stops every slot with its shutdown commands. */
async function runAsService(storagePath: string, accessPath: string | undefined): Promise<number> {
  const agent = await startServiceAgent({ storagePath, accessPath });
  agent.runtime.events.info(`running as the '${SERVICE_ID}' service; local API on ${agent.localApi.web.origin}`);
  return stopOnSignal(agent);
}
