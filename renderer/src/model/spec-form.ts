import { SlotSpec, type Command, type CommandType, type SlotSpecInput } from '../../../agent-core/protocol';
import { LocalSlotSource, type SlotView } from '../../../agent-core/protocol/local-api';

/** What the agent shows in place of a secret; sending it back keeps the value the agent holds. */
export const REDACTED = '***';

export const PHASES = ['initial', 'startup', 'shutdown'] as const;
export type PhaseName = (typeof PHASES)[number];

export interface CommandForm {
  key: string;
  type: CommandType;
  name: string;
  arguments: string;
  workingDirectory: string;
  /** One `NAME=value` per line. */
  env: string;
  service: boolean;
}

export interface VariableForm {
  key: string;
  name: string;
  /** Empty for a stored secret: its value is never read back. */
  value: string;
  secret: boolean;
  /** The agent holds a secret value for it that this form does not show. */
  stored: boolean;
}

export interface SlotForm {
  name: string;
  workspace: string;
  url: string;
  sourceKind: 'directory' | 'git';
  directory: string;
  branch: string;
  repositoryUrl: string;
  repositoryToken: string;
  tokenStored: boolean;
  mode: 'single' | 'blue-green';
  publicPort: string;
  healthPath: string;
  expectStatus: string;
  healthTimeoutSeconds: string;
  drainSeconds: string;
  workingDirectory: string;
  startupExecution: 'sequential' | 'parallel';
  phases: Record<PhaseName, CommandForm[]>;
  variables: VariableForm[];
}

/** Field path (as the schema names it, e.g. `traffic.publicPort`) → what is wrong with it. */
export type FieldErrors = Record<string, string>;

let keys = 0;
function nextKey(): string {
  keys += 1;
  return `k${keys}`;
}

/** A blank command; the first startup command is taken for the service, as the agent does when none is marked. */
export function newCommand(phase: PhaseName, first = false): CommandForm {
  return { key: nextKey(), type: 'bash', name: '', arguments: '', workingDirectory: '', env: '', service: phase === 'startup' && first };
}

export function newVariable(): VariableForm {
  return { key: nextKey(), name: '', value: '', secret: false, stored: false };
}

export function emptySlotForm(): SlotForm {
  return {
    name: '',
    workspace: 'local',
    url: '',
    sourceKind: 'directory',
    directory: '',
    branch: 'main',
    repositoryUrl: '',
    repositoryToken: '',
    tokenStored: false,
    mode: 'blue-green',
    publicPort: '',
    healthPath: '/',
    expectStatus: '200',
    healthTimeoutSeconds: '30',
    drainSeconds: '30',
    workingDirectory: '',
    startupExecution: 'sequential',
    phases: { initial: [], startup: [{ ...newCommand('startup', true), name: 'web' }], shutdown: [] },
    variables: [],
  };
}

export function formFromSlot(slot: Pick<SlotView, 'spec' | 'source'>): SlotForm {
  const { spec, source } = slot;
  const { traffic, template } = spec;
  const commandForm = (command: Command): CommandForm => ({
    key: nextKey(),
    type: command.type,
    name: command.name ?? '',
    arguments: command.arguments,
    workingDirectory: command.workingDirectory ?? '',
    env: Object.entries(command.env ?? {})
      .map(([name, value]) => `${name}=${value}`)
      .join('\n'),
    service: command.service === true,
  });
  return {
    name: spec.name,
    workspace: spec.workspace,
    url: spec.url ?? '',
    sourceKind: source?.kind === 'git' ? 'git' : 'directory',
    directory: source?.kind === 'directory' ? source.path : '',
    branch: source?.kind === 'git' ? source.branch : 'main',
    repositoryUrl: spec.repository?.url ?? '',
    repositoryToken: '',
    tokenStored: spec.repository?.token === REDACTED,
    mode: traffic.mode,
    publicPort: traffic.publicPort === undefined ? '' : String(traffic.publicPort),
    healthPath: traffic.healthCheck.path ?? '',
    expectStatus: String(traffic.healthCheck.expectStatus),
    healthTimeoutSeconds: String(traffic.healthCheck.timeoutMs / 1000),
    drainSeconds: String(traffic.drainTimeoutMs / 1000),
    workingDirectory: template.workingDirectory ?? '',
    startupExecution: template.startupExecution,
    phases: { initial: template.initial.map(commandForm), startup: template.startup.map(commandForm), shutdown: template.shutdown.map(commandForm) },
    variables: template.variables.map((variable) => {
      const value = spec.variables[variable.name] ?? '';
      const stored = variable.secret && value === REDACTED;
      return { key: nextKey(), name: variable.name, value: stored ? '' : value, secret: variable.secret, stored };
    }),
  };
}

export interface BuiltSlot {
  spec: SlotSpecInput;
  source: LocalSlotSource;
}

/**
 * The spec and source the form describes, checked by the same schemas the agent uses; `base` is the
 * slot's current spec, whose fields the form does not show are kept as they are.
 */
export function buildSlot(form: SlotForm, id: string, base: SlotSpec | null): { slot: BuiltSlot | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const number = (path: string, text: string, scale = 1): number | undefined => {
    const trimmed = text.trim();
    if (trimmed === '') return undefined;
    if (!/^\d+(\.\d+)?$/.test(trimmed)) {
      errors[path] = 'type a number';
      return undefined;
    }
    return Math.round(Number(trimmed) * scale);
  };
  const template = base ? structuredClone(base.template) : {};
  const healthCheck = { ...(base?.traffic.healthCheck ?? {}) } as Record<string, unknown>;
  healthCheck.path = form.healthPath.trim() === '' ? null : form.healthPath.trim();
  healthCheck.expectStatus = number('traffic.healthCheck.expectStatus', form.expectStatus) ?? 200;
  const timeoutMs = number('traffic.healthCheck.timeoutMs', form.healthTimeoutSeconds, 1000);
  if (timeoutMs !== undefined) healthCheck.timeoutMs = timeoutMs;
  const variables: Record<string, string> = {};
  const templateVariables = form.variables.map((variable, index) => {
    const previous = base?.template.variables.find((item) => item.name === variable.name);
    if (variable.stored && variable.value === '') {
      if (variable.secret) variables[variable.name] = REDACTED;
      else errors[`template.variables.${index}.value`] = 'type the value: a secret is never shown, so it cannot become a plain value by itself';
    } else if (variable.value !== '') variables[variable.name] = variable.value;
    return { name: variable.name.trim(), default: previous?.default ?? null, secret: variable.secret };
  });
  const names = templateVariables.map((variable) => variable.name);
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) errors[`template.variables.${index}.name`] = `'${name}' is defined twice`;
  });
  const phases = Object.fromEntries(
    PHASES.map((phase) => [phase, form.phases[phase].map((command, index) => commandSpec(command, `template.${phase}.${index}`, errors))]),
  );
  const repository =
    form.repositoryUrl.trim() === ''
      ? null
      : { url: form.repositoryUrl.trim(), token: form.repositoryToken !== '' ? form.repositoryToken : form.tokenStored ? REDACTED : null };
  const spec: SlotSpecInput = {
    ...(base ?? {}),
    id,
    name: form.name.trim(),
    workspace: form.workspace.trim(),
    url: form.url.trim() === '' ? null : form.url.trim(),
    repository,
    template: {
      ...template,
      workingDirectory: form.workingDirectory.trim() === '' ? null : form.workingDirectory.trim(),
      startupExecution: form.startupExecution,
      ...phases,
      variables: templateVariables,
    },
    variables,
    traffic: {
      mode: form.mode,
      publicPort: number('traffic.publicPort', form.publicPort),
      healthCheck,
      drainTimeoutMs: number('traffic.drainTimeoutMs', form.drainSeconds, 1000) ?? 30_000,
    },
  };
  const source: unknown =
    form.sourceKind === 'directory' ? { kind: 'directory', path: form.directory.trim() } : { kind: 'git', branch: form.branch.trim() };
  collect(errors, SlotSpec.safeParse(spec));
  collect(errors, LocalSlotSource.safeParse(source), 'source');
  if (form.sourceKind === 'git' && repository === null) errors['repository.url'] = 'a slot that deploys a branch needs its repository URL';
  if (form.phases.startup.length === 0) errors['template.startup'] = 'add the command that starts the service';
  if (Object.keys(errors).length > 0) return { slot: null, errors };
  return { slot: { spec, source: source as LocalSlotSource }, errors };
}

function commandSpec(command: CommandForm, path: string, errors: FieldErrors): Command {
  if (command.arguments.trim() === '') errors[`${path}.arguments`] = 'type the command to run';
  const env: Record<string, string> = {};
  command.env.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const equals = line.indexOf('=');
    if (equals <= 0) {
      errors[`${path}.env`] = `line ${index + 1} is not NAME=value`;
      return;
    }
    env[line.slice(0, equals).trim()] = line.slice(equals + 1);
  });
  return {
    type: command.type,
    arguments: command.arguments,
    ...(command.name.trim() === '' ? {} : { name: command.name.trim() }),
    workingDirectory: command.workingDirectory.trim() === '' ? null : command.workingDirectory.trim(),
    ...(Object.keys(env).length > 0 ? { env } : {}),
    service: command.service,
  };
}

interface ParseOutcome {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}

function collect(errors: FieldErrors, outcome: ParseOutcome, prefix?: string): void {
  for (const issue of outcome.error?.issues ?? []) {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || 'form';
    errors[path] ??= issue.message;
  }
}
