import type { Command, Template } from '../protocol';
import type { ProjectKind } from '../protocol/local-api';

export type { ProjectKind };

/** A template proposed for a folder, and why, in lines a person reads before deploying it. */
export interface Detection {
  kind: ProjectKind;
  template: Template;
  explanation: string[];
}

/**
 * What a language stack needs before any of its processes run: commands for a fresh working copy,
 * tasks at every deployment, and a shell prefix that puts its tools on PATH (a virtual environment).
 */
export interface StackSetup {
  name: string;
  initial: Command[];
  build: Command[];
  shellPrefix: string;
  explanation: string[];
}

/** A shell line for the runner's bash (Git Bash on Windows), inside the stack's environment. */
export function shellCommand(name: string, line: string, prefix = '', extra: Partial<Command> = {}): Command {
  return { type: 'bash', name, arguments: prefix ? `${prefix}\n${line}` : line, ...extra };
}

/** A template of initial commands, startup tasks, and the service last. */
export function templateOf(initial: Command[], tasks: Command[], service: Command): Template {
  return {
    initial,
    startup: [...tasks, { ...service, service: true }],
    startupExecution: 'sequential',
    shutdown: [],
    variables: [],
  };
}
