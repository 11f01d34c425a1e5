import type { SlotSpec, SpecChange } from '../protocol';
import { redactedSpec } from '../secrets/spec-secrets';

/** The spec a deployment ran with, as it is stored: every secret value replaced by `***`. */
export const secretFreeSpec = redactedSpec;

/**
 * What changed in the template and the variables from one deployment's spec to the next, field by
 * field (`template.startup[0].arguments`, `variables.ApiUrl`). Both specs are secret-free, so a
 * secret's value is never compared: it reads `***` on both sides.
 */
export function specChanges(before: SlotSpec | null, after: SlotSpec): SpecChange[] {
  if (before === null) return [];
  const old = leaves({ template: before.template, variables: before.variables });
  const now = leaves({ template: after.template, variables: after.variables });
  const fields = [...new Set([...old.keys(), ...now.keys()])];
  return fields
    .filter((field) => old.get(field) !== now.get(field))
    .map((field) => ({ field, before: old.get(field) ?? null, after: now.get(field) ?? null }));
}

/** Every leaf of a JSON value by its path, its value as JSON text. */
function leaves(value: unknown, path = '', into = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    value.forEach((item, index) => leaves(item, `${path}[${index}]`, into));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) leaves(item, path ? `${path}.${key}` : key, into);
  } else if (value !== undefined) {
    into.set(path, JSON.stringify(value));
  }
  return into;
}
