/** One `berth-agent` subcommand: its name, a line for the command list, its usage, and what it does. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** The exit code: 0 on success, 1 when the agent refused or failed, 2 for a usage mistake. */
  run(argv: string[]): Promise<number>;
}

/** A mistake in the command line: the message and the command's usage are printed, and the exit code is 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
