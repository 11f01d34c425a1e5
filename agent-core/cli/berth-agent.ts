#!/usr/bin/env node
import { setEntryFile } from '../local-api/window-location';
import { BerthError } from '../protocol';
import { UsageError, type CliCommand } from './cli-command';
import { deployCommand } from './commands/deploy';
import { deploymentsCommand } from './commands/deployments';
import { restartCommand, startCommand, stopCommand } from './commands/lifecycle';
import { loginCommand } from './commands/login';
import { logoutCommand } from './commands/logout';
import { logsCommand } from './commands/logs';
import { openCommand } from './commands/open';
import { promoteCommand } from './commands/promote';
import { rollbackCommand } from './commands/rollback';
import { RUN_USAGE } from './commands/run-usage';
import { serviceCommand } from './commands/service';
import { slotCommand } from './commands/slot';
import { slotsCommand } from './commands/slots';
import { statusCommand } from './commands/status';
import { topCommand } from './commands/top';
import { upCommand } from './commands/up';

// The built window is found from this file: it is the one place in out/main the bundler does not move.
setEntryFile(import.meta.url);

const runCommand: CliCommand = {
  name: 'run',
  summary: 'host the agent in this process (headless mode)',
  usage: RUN_USAGE,
  // The whole agent loads only for `run`; the other commands are small clients of it.
  run: async (argv) => (await import('./commands/run')).runAgent(argv),
};

const COMMANDS: CliCommand[] = [
  runCommand,
  upCommand,
  openCommand,
  statusCommand,
  slotsCommand,
  deploymentsCommand,
  logsCommand,
  topCommand,
  startCommand,
  stopCommand,
  restartCommand,
  deployCommand,
  promoteCommand,
  rollbackCommand,
  slotCommand,
  loginCommand,
  logoutCommand,
  serviceCommand,
];

const width = Math.max(...COMMANDS.map((command) => command.name.length));
const USAGE = `usage: berth-agent <command> [options]

commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Every command but run talks to the agent running with the same storage folder.
'berth-agent help <command>' tells more about one.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const about = COMMANDS.find((command) => command.name === rest[0]);
    process.stdout.write(`${about ? about.usage : USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`berth-agent: unknown command '${name}'\n\n${USAGE}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      process.stderr.write(`berth-agent ${name}: ${(error as Error).message}\n\nusage: ${command.usage}\n`);
      return 2;
    }
    throw error;
  }
}

function isParseArgsError(error: unknown): boolean {
  return error instanceof TypeError && String((error as NodeJS.ErrnoException).code ?? '').startsWith('ERR_PARSE_ARGS');
}

// Exits once everything written has been flushed: on macOS a pipe is asynchronous, and exit() would cut a long --json answer.
function exitWith(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exitWith, (error: unknown) => {
  const message = error instanceof BerthError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`berth-agent: ${message}\n`);
  exitWith(1);
});
