import { describe, expect, it } from 'vitest';
import { BerthError, SlotSpec, type Command } from '../../agent-core/protocol';
import { expandCommand, expandPhases, expandText, resolveVariables } from '../../agent-core/runner/variables';

const at = { command: 'install', field: 'arguments' };

function spec(variables: Record<string, string>, declared: Array<{ name: string; default?: string | null }>) {
  return SlotSpec.parse({
    id: 'slot_7',
    name: 'qa-1',
    workspace: 'acme-web',
    template: { variables: declared },
    variables,
  });
}

function errorOf(run: () => unknown): BerthError {
  try {
    run();
  } catch (error) {
    if (error instanceof BerthError) return error;
    throw error;
  }
  throw new Error('expected a BerthError');
}

describe('variables', () => {
  it('takes the slot override over the template default over the built-in token', () => {
    const values = resolveVariables(
      spec({ Mode: 'override' }, [
        { name: 'Mode', default: 'default' },
        { name: 'Region', default: 'eu' },
        { name: 'SlotName', default: null },
      ]),
      { Mode: 'builtin', Region: 'builtin', SlotName: 'qa-1', Port: '41873' },
    );
    expect(values.get('Mode')).toBe('override');
    expect(values.get('Region')).toBe('eu');
    expect(values.get('SlotName')).toBe('qa-1');
    expect(values.get('Port')).toBe('41873');
  });

  it('replaces {Name} and keeps {{ and }} as literal braces', () => {
    const values = new Map([['Port', '8080']]);
    expect(expandText('serve --port {Port} --json {{"port": {Port}}}', values, at)).toBe(
      'serve --port 8080 --json {"port": 8080}',
    );
    expect(expandText('{{Port}}', values, at)).toBe('{Port}');
  });

  it('leaves braces that open no name alone, so scripts keep their blocks', () => {
    const script = 'if (ok) { run(); }\nconst x = { a: 1 };';
    expect(expandText(script, new Map(), at)).toBe(script);
  });

  it('does not expand a value a second time', () => {
    expect(expandText('{A}', new Map([['A', '{B}']]), at)).toBe('{B}');
  });

  it('names the unknown variable, the command and the field', () => {
    const error = errorOf(() => expandText('npm run {Target}', new Map(), at));
    expect(error.code).toBe('UNKNOWN_VARIABLE');
    expect(error.message).toBe(
      "unknown variable {Target} in command 'install' (arguments); define it in the template's variables or the slot's overrides",
    );
  });

  it('says when a built-in token has no value yet rather than calling it unknown', () => {
    const error = errorOf(() => expandText('echo {Port}', new Map(), { command: 'migrate', field: 'arguments' }));
    expect(error.code).toBe('UNKNOWN_VARIABLE');
    expect(error.message).toContain("built-in variable {Port} has no value in command 'migrate' (arguments)");
  });

  it('expands arguments, working directory and env values of a command', () => {
    const values = new Map([
      ['App', 'web'],
      ['NodeEnv', 'staging'],
    ]);
    const source: Command = {
      type: 'bash',
      arguments: 'echo {App}',
      workingDirectory: 'apps/{App}',
      env: { NODE_ENV: '{NodeEnv}' },
    };
    expect(expandCommand(source, 'build', values)).toEqual({
      type: 'bash',
      arguments: 'echo web',
      workingDirectory: 'apps/web',
      env: { NODE_ENV: 'staging' },
    });
    const error = errorOf(() => expandCommand({ type: 'bash', arguments: 'x', env: { KEY: '{Secret}' } }, 'build', values));
    expect(error.message).toContain("in command 'build' (env KEY)");
  });

  it('checks every phase before returning, naming the command by its phase and position when it has no name', () => {
    const values = new Map([['App', 'web']]);
    const phases = {
      initial: [{ type: 'bash' as const, arguments: 'echo {App}' }],
      startup: [{ type: 'bash' as const, arguments: 'echo ok' }],
      shutdown: [
        { type: 'bash' as const, arguments: 'echo ok' },
        { type: 'bash' as const, arguments: 'echo {Missing}' },
      ],
    };
    const error = errorOf(() => expandPhases(phases, values));
    expect(error.message).toContain("{Missing} in command 'shutdown #2'");
    expect(expandPhases({ initial: phases.initial }, values).initial[0].arguments).toBe('echo web');
  });
});
