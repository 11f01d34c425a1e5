import { UsageError, type CliCommand } from '../cli-command';

export const SERVICE_USAGE = `berth-agent service install [--account ACCOUNT] [--user DOMAIN\\NAME] | uninstall | status

Windows only, from an administrator terminal. 'install' copies this Node and the built agent into
%ProgramData%\\Berth\\service\\bin and runs them as the Windows service 'berth-agent' (WinSW, from the
node-windows package), so slots come back at boot before anyone logs in. It runs as its own
account, NT SERVICE\\berth-agent (--account LocalService, or a group managed service account
'DOMAIN\\name$'), never as LocalSystem; its storage is %ProgramData%\\Berth\\storage, which no user
can read. --user (default: whoever runs the command) is the one person who may drive it: only they
can read its local API's token, in %ProgramData%\\Berth\\access, which other commands take as
--storage. 'uninstall' stops it (every slot's shutdown commands run, their desired state is kept)
and removes it; its storage stays. 'status' tells whether it is installed and running.
('service run --storage DIR [--access DIR]' is what the service itself starts.)`;

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
