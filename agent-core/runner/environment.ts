export type EnvironmentLayer = Readonly<Record<string, string | undefined>>;

/**
 * The environment of a child process: `base`, then each layer on top; a layer's `undefined`
 * removes the variable. On Windows names are case-insensitive, so a layer's `PATH` replaces the
 * base's `Path` under the spelling the base used instead of adding a second entry.
 */
export function buildEnvironment(base: NodeJS.ProcessEnv, ...layers: EnvironmentLayer[]): Record<string, string> {
  return mergeEnvironment(process.platform, base, layers);
}

export function mergeEnvironment(
  platform: NodeJS.Platform,
  base: EnvironmentLayer,
  layers: readonly EnvironmentLayer[],
): Record<string, string> {
  const merged: Record<string, string> = {};
  const spelling = new Map<string, string>();
  const keyOf = (name: string) => (platform === 'win32' ? name.toUpperCase() : name);
  for (const layer of [base, ...layers]) {
    for (const [name, value] of Object.entries(layer)) {
      const key = keyOf(name);
      const existing = spelling.get(key);
      if (value === undefined) {
        if (existing !== undefined) {
          delete merged[existing];
          spelling.delete(key);
        }
        continue;
      }
      const target = existing ?? name;
      spelling.set(key, target);
      merged[target] = value;
    }
  }
  return merged;
}

/** Reads a variable the way the platform does: case-insensitively on Windows. */
export function environmentValue(
  env: EnvironmentLayer,
  name: string,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (platform !== 'win32') return env[name];
  const wanted = name.toUpperCase();
  for (const [key, value] of Object.entries(env)) {
    if (key.toUpperCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}
