import { describe, expect, it } from 'vitest';
import { SlotSpec } from '../../agent-core/protocol';
import type { SlotView } from '../../agent-core/protocol/local-api';
import { buildSlot, emptySlotForm, formFromSlot, REDACTED } from '../../renderer/src/model/spec-form';

function filledForm() {
  const form = emptySlotForm();
  form.name = 'qa-1';
  form.directory = '/srv/apps/shop';
  form.publicPort = '8080';
  form.phases.startup[0]!.arguments = 'exec node server.cjs';
  return form;
}

describe('slot form', () => {
  it('turns a filled form into a spec the agent accepts', () => {
    const { slot, errors } = buildSlot(filledForm(), 'slot_1', null);
    expect(errors).toEqual({});
    const spec = SlotSpec.parse(slot!.spec);
    expect(spec.traffic).toMatchObject({ mode: 'blue-green', publicPort: 8080 });
    expect(spec.template.startup[0]).toMatchObject({ name: 'web', service: true });
    expect(slot!.source).toEqual({ kind: 'directory', path: '/srv/apps/shop' });
  });

  it('names each field the protocol schemas refuse, under the field', () => {
    const form = filledForm();
    form.name = 'qa/1';
    form.publicPort = '';
    form.healthPath = 'healthz';
    form.phases.startup[0]!.env = 'NOT A PAIR';
    const { slot, errors } = buildSlot(form, 'slot_1', null);
    expect(slot).toBeNull();
    expect(errors['name']).toMatch(/path separator/);
    expect(errors['traffic.publicPort']).toBe('a blue-green slot needs a publicPort');
    expect(errors['traffic.healthCheck.path']).toBeDefined();
    expect(errors['template.startup.0.env']).toBe('line 1 is not NAME=value');
  });

  it('never shows a stored secret and sends it back masked, so the agent keeps its value', () => {
    const spec = SlotSpec.parse({
      id: 'slot_1',
      name: 'qa-1',
      workspace: 'acme',
      repository: { url: 'https://git.example.com/shop.git', token: REDACTED },
      template: { startup: [{ type: 'bash', arguments: 'run' }], variables: [{ name: 'DbPassword', secret: true }] },
      variables: { DbPassword: REDACTED },
    });
    const view = { id: 'slot_1', origin: 'local', spec, source: { kind: 'git', branch: 'main' }, status: {}, deployments: [] } as unknown as SlotView;
    const form = formFromSlot(view);
    expect(form.variables[0]).toMatchObject({ value: '', stored: true });
    expect(form.repositoryToken).toBe('');
    const { slot } = buildSlot(form, 'slot_1', spec);
    expect(slot!.spec.variables).toEqual({ DbPassword: REDACTED });
    expect(slot!.spec.repository?.token).toBe(REDACTED);

    form.variables[0]!.value = 'new-password';
    expect(buildSlot(form, 'slot_1', spec).slot!.spec.variables).toEqual({ DbPassword: 'new-password' });
  });
});
