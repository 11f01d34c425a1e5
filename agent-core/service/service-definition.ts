import { win32, type PlatformPath } from 'node:path';
import { SERVICE_DISPLAY_NAME, SERVICE_FLAGS, SERVICE_FOLDER, SERVICE_ID } from '../protocol/desktop';

/** What the Windows service runs: the desktop app's own executable, or Node with the berth-agent script. */
export type ServiceHost =
  | { kind: 'desktop'; executable: string }
  | { kind: 'node'; node: string; nodeArgs: string[]; script: string };

/** Everything the WinSW wrapper needs to know, as plain data the tests read. */
export interface ServiceDefinition {
  id: string;
  displayName: string;
  description: string;
  executable: string;
  arguments: string[];
  /** Run to stop the service gracefully; WinSW appends `arguments` to these. Null: WinSW sends Ctrl+C. */
  stop: { executable: string; arguments: string[] } | null;
  stopTimeoutSeconds: number;
  /** Where the wrapper, its XML and its logs live: under ProgramData, writable by administrators only. */
  directory: string;
  logDirectory: string;
  /** WinSW reads the XML named after its own executable: berth-agent.exe reads berth-agent.xml beside it. */
  files: { exe: string; config: string; xml: string };
  storagePath: string;
}

// Long enough for every slot's shutdown commands; Windows itself cuts services short at system shutdown.
const STOP_TIMEOUT_SECONDS = 120;

export function serviceDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return win32.join(env['ProgramData'] ?? 'C:\\ProgramData', ...SERVICE_FOLDER);
}

export function defineService(options: {
  host: ServiceHost;
  storagePath: string;
  directory?: string;
  /** Windows paths; tests that write the files on another OS pass that OS's. */
  path?: Pick<PlatformPath, 'join'>;
}): ServiceDefinition {
  const { host, storagePath } = options;
  const path = options.path ?? win32;
  const directory = options.directory ?? serviceDirectory();
  const base = path.join(directory, SERVICE_ID);
  const common = {
    id: SERVICE_ID,
    displayName: SERVICE_DISPLAY_NAME,
    description: 'Runs the Berth deploy agent and its slots at boot, before anyone logs in.',
    stopTimeoutSeconds: STOP_TIMEOUT_SECONDS,
    directory,
    logDirectory: path.join(directory, 'logs'),
    files: { exe: `${base}.exe`, config: `${base}.exe.config`, xml: `${base}.xml` },
    storagePath,
  };
  if (host.kind === 'desktop') {
    // Electron is a GUI program with no console, so WinSW's Ctrl+C cannot reach it: a second Berth.exe asks it to stop.
    return {
      ...common,
      executable: host.executable,
      arguments: [SERVICE_FLAGS.host, '--storage', storagePath],
      stop: { executable: host.executable, arguments: [SERVICE_FLAGS.stop] },
    };
  }
  return {
    ...common,
    executable: host.node,
    arguments: [...host.nodeArgs, host.script, 'service', 'run', '--storage', storagePath],
    stop: null,
  };
}

/** The wrapper's configuration (WinSW 1.x, as node-windows ships it). */
export function winswConfigXml(definition: ServiceDefinition): string {
  const lines = [
    '<service>',
    element('id', definition.id),
    element('name', definition.displayName),
    element('description', definition.description),
    element('executable', definition.executable),
    ...definition.arguments.map((argument) => element('argument', quoteArgument(argument))),
    ...(definition.stop
      ? [element('stopexecutable', definition.stop.executable), element('stoparguments', definition.stop.arguments.map(quoteArgument).join(' '))]
      : []),
    // The slots are the agent's children: stopping them first would skip their shutdown commands.
    element('stopparentprocessfirst', 'true'),
    element('stoptimeout', `${definition.stopTimeoutSeconds} sec`),
    '  <onfailure action="restart" delay="10 sec"/>',
    '  <onfailure action="restart" delay="60 sec"/>',
    element('workingdirectory', definition.storagePath),
    element('logpath', definition.logDirectory),
    element('logmode', 'rotate'),
    '</service>',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

function element(name: string, value: string): string {
  return `  <${name}>${escapeXml(value)}</${name}>`;
}

function escapeXml(value: string): string {
  return value.replace(/[&<>]/g, (character) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt' }[character]};`);
}

// WinSW joins the arguments with spaces; a path with spaces must reach the program as one argument.
function quoteArgument(argument: string): string {
  return /[\s"]/.test(argument) ? `"${argument.replace(/"/g, '\\"')}"` : argument;
}
