import type { SlotSpec } from '../protocol';

/** What the database holds in place of a secret, as every log line and message shows it. */
export const REDACTED = '***';

/** One place in a SlotSpec that holds a secret, named by a key unique within the slot. */
export interface SecretPlace {
  /** `repository.token`, `var/<Name>` (the slot's override) or `default/<Name>` (the template default). */
  key: string;
  read(spec: SlotSpec): string | null | undefined;
  write(spec: SlotSpec, value: string): void;
}

/** The places that are secret in this spec: the repository token and both values of each `secret: true` variable. */
export function secretPlaces(spec: SlotSpec): SecretPlace[] {
  const places: SecretPlace[] = [
    {
      key: 'repository.token',
      read: (target) => target.repository?.token,
      write: (target, value) => {
        if (target.repository) target.repository.token = value;
      },
    },
  ];
  spec.template.variables.forEach((variable, index) => {
    if (!variable.secret) return;
    const name = variable.name;
    places.push(
      {
        key: `var/${name}`,
        read: (target) => (Object.hasOwn(target.variables, name) ? target.variables[name] : undefined),
        write: (target, value) => {
          target.variables[name] = value;
        },
      },
      {
        key: `default/${name}`,
        read: (target) => target.template.variables[index]?.default,
        write: (target, value) => {
          target.template.variables[index].default = value;
        },
      },
    );
  });
  return places;
}

/** Every secret value of the spec, each once, for redacting output. */
export function specSecrets(spec: SlotSpec): string[] {
  const values = secretPlaces(spec)
    .map((place) => place.read(spec))
    .filter((value): value is string => typeof value === 'string' && value !== '');
  return [...new Set(values)];
}

/** The spec with every secret value replaced by `***`: what a window shows and a deployment stores. */
export function redactedSpec(spec: SlotSpec): SlotSpec {
  const redacted = structuredClone(spec);
  for (const place of secretPlaces(spec)) {
    const value = place.read(spec);
    if (typeof value === 'string' && value !== '') place.write(redacted, REDACTED);
  }
  return redacted;
}
