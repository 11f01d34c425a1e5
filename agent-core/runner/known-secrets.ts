/**
 * Every secret this agent process holds: the control plane's API key and every slot's secrets,
 * whichever slot is running. Every Redactor masks them besides its own, so a slot that prints
 * another slot's token or the agent's key (read from the keychain, or from an environment it
 * should never have had) still shows `***`. Process-wide because the secrets arrive in one
 * module (secrets/) and are masked in others (logs, slots, connection) that never meet.
 */
const known = new Set<string>();
let version = 0;

/** Adds secrets to mask everywhere from now on; empty values are ignored. */
export function rememberSecrets(values: Iterable<string | null | undefined>): void {
  for (const value of values) {
    if (typeof value !== 'string' || value === '' || known.has(value)) continue;
    known.add(value);
    version += 1;
  }
}

export function knownSecrets(): readonly string[] {
  return [...known];
}

/** Changes whenever a secret is added, so a Redactor knows when to learn the new one. */
export function knownSecretsVersion(): number {
  return version;
}
