import { win32, type PlatformPath } from 'node:path';
import { SERVICE_DISPLAY_NAME, SERVICE_FLAGS, SERVICE_ID } from '../protocol/desktop';
import type { ServiceAccount } from './service-account';
import type { ServiceLayout } from './service-layout';

/**
 * What the service is made from: the desktop app's folder (Berth.exe and everything beside it), or
 * Node and the built agent's package. Both sit where their user can write them, so the install
 * copies them into the service's own folder and the service runs only those copies.
 */
export type ServiceHost =
  | { kind: 'desktop'; appFolder: string; executableName: string }
  /** `script` is relative to `packageRoot`, which holds package.json, out/ and node_modules/. */
  | { kind: 'node'; node: string; packageRoot: string; script: string };

/** One file or folder the install copies into the service's `bin` folder. */
export interface ProgramCopy {
  from: string;
  to: string;
  tree: boolean;
}

/** Everything the install needs to know, as plain data the tests read. */
export interface ServiceDefinition {
  id: string;
  displayName: string;
  description: string;
  layout: ServiceLayout;
  account: ServiceAccount;
  /** The installing user, whose tray drives the service (service-account.ts, parseInstallingUser). */
  user: string;
  program: ProgramCopy[];
  /** Inside `layout.bin`, always. */
  executable: string;
  arguments: string[];
  /** Run to stop the service gracefully; WinSW appends `arguments` to these. Null: WinSW sends Ctrl+C. */
  stop: { executable: string; arguments: string[] } | null;
  stopTimeoutSeconds: number;
}

// Long enough for every slot's shutdown commands; Windows itself cuts services short at system shutdown.
const STOP_TIMEOUT_SECONDS = 120;

/** Pure, so the same definition comes out on every OS (and under a Windows node.exe in the Wine lane). */
export function defineService(options: {
  host: ServiceHost;
  layout: ServiceLayout;
  account: ServiceAccount;
  user: string;
  /** Windows paths; a test that really copies on another OS passes that OS's. */
  path?: Pick<PlatformPath, 'join'>;
}): ServiceDefinition {
  const { host, layout } = options;
  const path = options.path ?? win32;
  const common = {
    id: SERVICE_ID,
    displayName: SERVICE_DISPLAY_NAME,
    description: 'Runs the Berth deploy agent and its slots at boot, before anyone logs in.',
    layout,
    account: options.account,
    user: options.user,
    stopTimeoutSeconds: STOP_TIMEOUT_SECONDS,
  };
  if (host.kind === 'desktop') {
    const executable = path.join(layout.bin, host.executableName);
    // Electron is a GUI program with no console, so WinSW's Ctrl+C cannot reach it: a second Berth.exe asks it to stop.
    return {
      ...common,
      program: [{ from: host.appFolder, to: layout.bin, tree: true }],
      executable,
      arguments: [SERVICE_FLAGS.host, '--storage', layout.storage],
      stop: { executable, arguments: [SERVICE_FLAGS.stop] },
    };
  }
  const app = path.join(layout.bin, 'app');
  const executable = path.join(layout.bin, 'node.exe');
  // No loader or inspector flags of the installing Node: `--inspect` would let anyone on the machine run code as the service.
  return {
    ...common,
    program: [
      { from: host.node, to: executable, tree: false },
      { from: path.join(host.packageRoot, 'package.json'), to: path.join(app, 'package.json'), tree: false },
      { from: path.join(host.packageRoot, 'out'), to: path.join(app, 'out'), tree: true },
      { from: path.join(host.packageRoot, 'node_modules'), to: path.join(app, 'node_modules'), tree: true },
    ],
    executable,
    arguments: [path.join(app, host.script), 'service', 'run', '--storage', layout.storage, '--access', layout.access],
    stop: null,
  };
}

/** The wrapper's configuration (WinSW 1.17, as node-windows 0.1.14 ships it). */
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
    // WinSW 1.17 takes an account only as <serviceaccount> with its password in this file, in clear;
    // without one it creates the service as LocalSystem. Manual keeps it from starting as that at
    // boot until `sc.exe config` has set its account and made it automatic (service-steps.ts).
    element('startmode', 'Manual'),
    '  <onfailure action="restart" delay="10 sec"/>',
    '  <onfailure action="restart" delay="60 sec"/>',
    element('workingdirectory', definition.layout.storage),
    element('logpath', definition.layout.logs),
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
