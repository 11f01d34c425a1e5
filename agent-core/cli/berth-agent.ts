#!/usr/bin/env node
import { BerthError } from '../protocol';
import { LOGIN_USAGE, login } from './commands/login';
import { LOGOUT_USAGE, logout } from './commands/logout';
import { RUN_USAGE, runAgent } from './commands/run';

const USAGE = `usage: berth-agent <command> [options]

commands:
  run     host the agent in this process (headless mode)
  login   store the control plane's API key and URL
  logout  remove the API key

${RUN_USAGE}

${LOGIN_USAGE}

${LOGOUT_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runAgent(rest);
    case 'login':
      return login(rest);
    case 'logout':
      return logout(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`berth-agent: unknown command '${command}'\n\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof BerthError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`berth-agent: ${message}\n`);
    process.exit(1);
  },
);
