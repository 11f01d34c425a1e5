import { BerthError, commandLabel, type Command, type SlotSpec } from '../protocol';

/** The tokens the agent itself provides; `Port`, `Color` and `DeploymentId` exist only for a running instance. */
export const BUILTIN_TOKENS = [
  'WorkspaceName',
  'SlotName',
  'WorkingDirectory',
  'StoragePath',
  'GitBranch',
  'StarterBranch',
  'Port',
  'Color',
  'DeploymentId',
] as const;
export type BuiltinToken = (typeof BUILTIN_TOKENS)[number];

const RUNNING_INSTANCE_TOKENS: readonly BuiltinToken[] = ['Port', 'Color', 'DeploymentId'];

export type VariableValues = ReadonlyMap<string, string>;

/** Where a piece of text sits, so an unknown variable can be pinned to the command and field a person must fix. */
export interface TextLocation {
  command: string;
  field: string;
}

const NAME_AT = /^[A-Za-z_][A-Za-z0-9_]*(?=\})/;

/** Every variable a slot's commands may use: the slot's override, else the template default, else the built-in token. */
export function resolveVariables(spec: SlotSpec, builtins: Record<string, string>): Map<string, string> {
  const values = new Map<string, string>(Object.entries(builtins));
  for (const variable of spec.template.variables) {
    if (variable.default !== null && variable.default !== undefined) values.set(variable.name, variable.default);
  }
  for (const [name, value] of Object.entries(spec.variables)) values.set(name, value);
  return values;
}

/** Replaces every `{Name}` with its value; `{{` and `}}` are literal braces, and a brace that opens no name stays as it is. */
export function expandText(text: string, values: VariableValues, where: TextLocation): string {
  let result = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    const next = text[index + 1];
    if ((char === '{' && next === '{') || (char === '}' && next === '}')) {
      result += char;
      index += 2;
      continue;
    }
    if (char === '{') {
      const name = NAME_AT.exec(text.slice(index + 1))?.[0];
      if (name !== undefined) {
        result += valueOf(name, values, where);
        index += name.length + 2;
        continue;
      }
    }
    result += char;
    index += 1;
  }
  return result;
}

function valueOf(name: string, values: VariableValues, where: TextLocation): string {
  const value = values.get(name);
  if (value !== undefined) return value;
  const place = `in command '${where.command}' (${where.field})`;
  if ((BUILTIN_TOKENS as readonly string[]).includes(name)) {
    const hint = (RUNNING_INSTANCE_TOKENS as readonly string[]).includes(name)
      ? '; it is set only for a running instance, so use it in startup commands'
      : ' for this deployment';
    throw new BerthError('UNKNOWN_VARIABLE', `built-in variable {${name}} has no value ${place}${hint}`);
  }
  throw new BerthError(
    'UNKNOWN_VARIABLE',
    `unknown variable {${name}} ${place}; define it in the template's variables or the slot's overrides`,
  );
}

/** The command with variables replaced in its arguments, working directory and environment values. */
export function expandCommand(command: Command, label: string, values: VariableValues): Command {
  const at = (field: string): TextLocation => ({ command: label, field });
  const expanded: Command = { ...command, arguments: expandText(command.arguments, values, at('arguments')) };
  if (typeof command.workingDirectory === 'string') {
    expanded.workingDirectory = expandText(command.workingDirectory, values, at('workingDirectory'));
  }
  if (command.env !== undefined) {
    expanded.env = Object.fromEntries(
      Object.entries(command.env).map(([key, value]) => [key, expandText(value, values, at(`env ${key}`))]),
    );
  }
  return expanded;
}

/**
 * Expands every command of every phase at once, so that a typo in the last shutdown command fails
 * the deployment before the first install command has touched anything.
 */
export function expandPhases<P extends string>(
  phases: Readonly<Record<P, readonly Command[]>>,
  values: VariableValues,
): Record<P, Command[]> {
  const expanded = {} as Record<P, Command[]>;
  for (const phase of Object.keys(phases) as P[]) {
    expanded[phase] = phases[phase].map((command, index) =>
      expandCommand(command, commandLabel(command, phase, index), values),
    );
  }
  return expanded;
}
