export type EnvironmentLayer = Readonly<Record<string, string | undefined>>;

/**
 * The agent's own variables a slot's commands may see: what a shell, a compiler or a package
 * manager needs to find programs, the user's folders, a temp folder, the locale and the terminal.
 * Nothing else of the agent's environment reaches a slot: not BERTH_API_KEY, not any other
 * BERTH_* variable, not a token a person exported before starting the agent. Windows names are
 * matched case-insensitively (`Path`, `SystemRoot`).
 */
export const SYSTEM_VARIABLES: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TERM',
  'COLORTERM',
  'TMPDIR',
  'TEMP',
  'TMP',
  'XDG_RUNTIME_DIR',
  // Windows
  'USERPROFILE',
  'USERNAME',
  'USERDOMAIN',
  'HOMEDRIVE',
  'HOMEPATH',
  'SYSTEMROOT',
  'SYSTEMDRIVE',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
  'APPDATA',
  'LOCALAPPDATA',
  'PROGRAMDATA',
  'PROGRAMFILES',
  'PROGRAMFILES(X86)',
  'PROGRAMW6432',
  'COMMONPROGRAMFILES',
  'COMMONPROGRAMFILES(X86)',
  'COMMONPROGRAMW6432',
  'PUBLIC',
  'ALLUSERSPROFILE',
  'COMPUTERNAME',
  'NUMBER_OF_PROCESSORS',
  'PROCESSOR_ARCHITECTURE',
  'OS',
  'PSMODULEPATH',
];

// LC_ALL, LC_CTYPE, LC_MESSAGES…: the locale, which decides how tools print and sort.
const SYSTEM_PREFIXES: readonly string[] = ['LC_'];

/** Whether the agent's variable `name` may pass to a slot's process. */
export function isSystemVariable(name: string, platform: NodeJS.Platform = process.platform): boolean {
  const key = platform === 'win32' ? name.toUpperCase() : name;
  if (key.startsWith('BERTH_')) return false;
  return SYSTEM_VARIABLES.includes(key) || SYSTEM_PREFIXES.some((prefix) => key.startsWith(prefix));
}

/** The allowlisted system variables of the agent's environment `agent`; the rest is dropped. */
export function systemEnvironment(agent: EnvironmentLayer, platform: NodeJS.Platform = process.platform): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(agent)) {
    if (value !== undefined && isSystemVariable(name, platform)) kept[name] = value;
  }
  return kept;
}

/**
 * The environment of a slot's process: the system variables of the agent's environment `agent`
 * (SYSTEM_VARIABLES, nothing else), then each layer on top; a layer's `undefined` removes the
 * variable. On Windows names are case-insensitive, so a layer's `PATH` replaces the agent's `Path`
 * under the spelling the agent had instead of adding a second entry.
 */
export function buildEnvironment(agent: NodeJS.ProcessEnv, ...layers: EnvironmentLayer[]): Record<string, string> {
  return mergeEnvironment(process.platform, systemEnvironment(agent), layers);
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
