import { UsageError, type CliCommand } from '../cli-command';

export const SERVICE_USAGE = `berth-agent service install|uninstall|status [--storage DIR]

Windows only. 'install' runs the agent as a Windows service (WinSW, from the node-windows package),
so slots come back at boot before anyone logs in; run it from an administrator terminal. The
service uses the storage folder given here (default: this user's), keeps the API key in its own
credential store, and serves its local API there, where the desktop app and the other commands
find it. 'uninstall' stops it (every slot's shutdown commands run, their desired state is kept) and
removes it. 'status' tells whether it is installed and running.
('service run' is what the service itself starts.)`;

const ACTIONS = ['install', 'uninstall', 'status', 'run'] as const;
export type ServiceAction = (typeof ACTIONS)[number];

export const serviceCommand: CliCommand = {
  name: 'service',
  summary: 'install, remove or query the agent as a Windows service',
  usage: SERVICE_USAGE,
  async run(argv) {
    const [action] = argv;
    if (!ACTIONS.includes(action as ServiceAction)) throw new UsageError(`expected one of ${ACTIONS.slice(0, 3).join(', ')}`);
    // Like `run`, the agent's modules load only when a service action needs them.
    return (await import('./service-actions')).runServiceAction(action as ServiceAction, argv.slice(1));
  },
};
