import { isAbsolute, relative, resolve } from 'node:path';
import { BerthError, commandLabel, type Command, type SlotSpec } from '../protocol';
import { buildEnvironment, expandCommand, expandText, PROCESS_MARK_VARIABLE, processMark, resolveVariables, type SpawnOptions } from '../runner';

export interface PlanInput {
  spec: SlotSpec;
  storagePath: string;
  workdir: string;
  scriptDir: string;
  port: number;
  color: string;
  deploymentId: string;
  gitBranch?: string;
  starterBranch?: string;
}

export interface CommandPlan {
  initial: Command[];
  startup: Command[];
  shutdown: Command[];
  execution: 'sequential' | 'parallel';
  /** In the environment of every process of this instance (BERTH_PROCESS_MARK): what escapes its tree is ended by it. */
  processMark: string;
  spawnOptions(command: Command, label: string): SpawnOptions;
}

/**
 * Expands every variable of every phase up front, so a `{Name}` that names nothing fails the
 * deployment before any command has run, and builds how each command is spawned.
 */
export function planCommands(input: PlanInput): CommandPlan {
  const { spec, workdir } = input;
  const builtins: Record<string, string> = {
    WorkspaceName: spec.workspace,
    SlotName: spec.name,
    StoragePath: input.storagePath,
    GitBranch: input.gitBranch ?? '',
    StarterBranch: input.starterBranch ?? '',
    Port: String(input.port),
    Color: input.color,
    DeploymentId: input.deploymentId,
    WorkingDirectory: workdir,
  };
  const baseValues = resolveVariables(spec, builtins);
  const templateDir = spec.template.workingDirectory
    ? insideWorkdir(workdir, workdir, expandText(spec.template.workingDirectory, baseValues, { command: 'template', field: 'workingDirectory' }), 'the template')
    : workdir;
  const values = resolveVariables(spec, { ...builtins, WorkingDirectory: templateDir });

  const expandPhase = (phase: string, commands: readonly Command[]): Command[] =>
    commands.map((command, index) => {
      const label = commandLabel(command, phase, index);
      const expanded = expandCommand(command, label, values);
      if (expanded.workingDirectory) insideWorkdir(workdir, templateDir, expanded.workingDirectory, `command '${label}'`);
      return expanded;
    });

  const mark = processMark(input.storagePath, input.deploymentId, input.color);
  const slotEnv = {
    PORT: String(input.port),
    BERTH_SLOT: spec.name,
    BERTH_WORKSPACE: spec.workspace,
    BERTH_COLOR: input.color,
    BERTH_DEPLOYMENT_ID: input.deploymentId,
    [PROCESS_MARK_VARIABLE]: mark,
  };

  return {
    initial: expandPhase('initial', spec.template.initial),
    startup: expandPhase('startup', spec.template.startup),
    shutdown: expandPhase('shutdown', spec.template.shutdown),
    execution: spec.template.startupExecution,
    processMark: mark,
    // The runner applies the command's own workingDirectory and env over these.
    spawnOptions: (command, label) => ({
      command,
      label,
      cwd: templateDir,
      env: buildEnvironment(process.env, slotEnv),
      scriptDir: input.scriptDir,
    }),
  };
}

/** A working directory from a template may not leave the slot's working copy. */
function insideWorkdir(workdir: string, base: string, path: string, owner: string): string {
  const target = resolve(base, path);
  const outside = relative(workdir, target);
  if (outside.startsWith('..') || isAbsolute(outside)) {
    throw new BerthError('PATH_NOT_ALLOWED', `${owner} sets workingDirectory '${path}', which is outside the slot's working copy; use a path inside it`);
  }
  return target;
}
