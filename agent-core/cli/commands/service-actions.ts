import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SERVICE_ID, type ServiceState } from '../../protocol/desktop';
import { defineService, installService, queryService, startServiceAgent, uninstallService, wrapperFiles, type ServiceHost } from '../../service';
import { defaultStoragePath } from '../../settings';
import { UsageError } from '../cli-command';
import type { ServiceAction } from './service';

/** The service runs this same script with the same Node and loader flags (tsx's, when run from the sources). */
function thisAgent(): ServiceHost {
  return { kind: 'node', node: process.execPath, nodeArgs: [...process.execArgv], script: resolve(process.argv[1] ?? 'berth-agent') };
}

const DESCRIBE: Record<ServiceState, string> = {
  'not-installed': 'not installed',
  stopped: 'installed, stopped',
  starting: 'installed, starting',
  running: 'installed, running',
  stopping: 'installed, stopping',
  unknown: 'installed, in a state the service manager did not tell',
};

export async function runServiceAction(action: ServiceAction, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { storage: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length > 0) throw new UsageError(`unexpected '${positionals.join(' ')}'`);
  const storagePath = resolve(values.storage ?? defaultStoragePath());
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const definition = defineService({ host: thisAgent(), storagePath });
  switch (action) {
    case 'install':
      await installService(definition, () => wrapperFiles(), { log });
      log(`service '${SERVICE_ID}' installed and started; storage ${storagePath}; its own logs in ${definition.logDirectory}`);
      return 0;
    case 'uninstall':
      log(
        (await uninstallService(definition, { log }))
          ? `service '${SERVICE_ID}' stopped and removed; its slots come back in the next agent that starts with this storage`
          : `service '${SERVICE_ID}' is not installed`,
      );
      return 0;
    case 'status': {
      const state = await queryService();
      log(`service '${SERVICE_ID}': ${process.platform === 'win32' ? DESCRIBE[state] : 'not available (service mode is for Windows)'}`);
      return state === 'running' || state === 'not-installed' ? 0 : 1;
    }
    case 'run':
      return runAsService(storagePath);
  }
}
/** The service's process: WinSW stops it with Ctrl+C, which stops every slot with its shutdown commands. */
async function runAsService(storagePath: string): Promise<number> {
  const agent = await startServiceAgent({ storagePath });
  agent.runtime.events.info(`running as the '${SERVICE_ID}' service; local API on ${agent.localApi.web.origin}`);
  return new Promise<number>((resolveExit) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      agent.runtime.events.info(`${signal}: stopping every slot (their desired state is kept)`);
      agent.stop().then(
        () => resolveExit(0),
        (error: unknown) => {
          process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
          resolveExit(1);
        },
      );
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
