import { describe, expect, it } from 'vitest';
import { SlotSpec } from '../../agent-core/protocol';
import { secretFreeSpec, specChanges } from '../../agent-core/deployments/spec-changes';
import { sampleSlotSpec } from '../fixtures/slot-spec';

function spec(variables: Record<string, string>, startup = 'exec node server.cjs'): SlotSpec {
  const input = sampleSlotSpec({ variables });
  input.template.variables = [{ name: 'ApiUrl' }, { name: 'DbPassword', secret: true }];
  input.template.startup = [{ type: 'bash', name: 'web', arguments: startup, service: true }];
  return SlotSpec.parse(input);
}

describe('spec changes', () => {
  it('stores a deployment spec with every secret value replaced by ***', () => {
    const stored = secretFreeSpec(spec({ ApiUrl: 'https://a', DbPassword: 'hunter2' }));
    expect(JSON.stringify(stored)).not.toContain('hunter2');
    expect(stored.variables).toEqual({ ApiUrl: 'https://a', DbPassword: '***' });
  });

  it('lists the template fields and non-secret variables that changed, never a secret', () => {
    const before = secretFreeSpec(spec({ ApiUrl: 'https://a', DbPassword: 'one' }));
    const after = secretFreeSpec(spec({ ApiUrl: 'https://b', DbPassword: 'two' }, 'exec node server.cjs --v2'));
    expect(specChanges(before, after)).toEqual([
      { field: 'template.startup[0].arguments', before: '"exec node server.cjs"', after: '"exec node server.cjs --v2"' },
      { field: 'variables.ApiUrl', before: '"https://a"', after: '"https://b"' },
    ]);
  });

  it('names an added and a removed variable', () => {
    const before = secretFreeSpec(spec({ ApiUrl: 'https://a' }));
    const after = secretFreeSpec(spec({ Region: 'eu' }));
    expect(specChanges(before, after)).toEqual([
      { field: 'variables.ApiUrl', before: '"https://a"', after: null },
      { field: 'variables.Region', before: null, after: '"eu"' },
    ]);
  });

  it('has nothing to compare for the first deployment', () => {
    expect(specChanges(null, secretFreeSpec(spec({})))).toEqual([]);
  });
});
