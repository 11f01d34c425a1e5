import { shellCommand, templateOf, type Detection, type StackSetup } from './detection';
import type { ProjectFolder } from './project-folder';
import { staticSiteTemplate } from './static-site';

type PackageManager = 'npm' | 'pnpm' | 'yarn';

interface PackageJson {
  scripts: Record<string, string>;
  main: string | null;
  packageManager: string | null;
}

// The lockfile says which package manager made it; its frozen install reproduces exactly what it locks.
const LOCKFILES: [file: string, manager: PackageManager][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];
const ENTRY_FILES = ['server.js', 'app.js', 'index.js', 'main.js', 'server.mjs', 'index.mjs'];
const BUILD_OUTPUTS = ['dist', 'build', 'out'];

function readPackageJson(folder: ProjectFolder): PackageJson | null {
  const text = folder.text('package.json');
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const fields = raw as { scripts?: unknown; main?: unknown; packageManager?: unknown };
  const scripts =
    typeof fields.scripts === 'object' && fields.scripts !== null
      ? Object.fromEntries(Object.entries(fields.scripts).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
      : {};
  return {
    scripts,
    main: typeof fields.main === 'string' ? fields.main : null,
    packageManager: typeof fields.packageManager === 'string' ? fields.packageManager : null,
  };
}

function installLine(folder: ProjectFolder, pkg: PackageJson): { manager: PackageManager; line: string; why: string } {
  const locked = LOCKFILES.find(([file]) => folder.isFile(file));
  if (locked) {
    const [file, manager] = locked;
    const line =
      manager === 'npm'
        ? 'npm ci'
        : manager === 'pnpm'
          ? 'pnpm install --frozen-lockfile'
          : folder.isFile('.yarnrc.yml')
            ? 'yarn install --immutable'
            : 'yarn install --frozen-lockfile';
    return { manager, line, why: `${file} → ${manager}: \`${line}\` once per working copy` };
  }
  const declared = /^(npm|pnpm|yarn)@/.exec(pkg.packageManager ?? '')?.[1] as PackageManager | undefined;
  const manager = declared ?? 'npm';
  return { manager, line: `${manager} install`, why: `no lockfile: \`${manager} install\` once per working copy (commit a lockfile for repeatable installs)` };
}

/** Node.js tools for a folder with a package.json: the install as the initial command, `build` before the service. */
export function nodeSetup(folder: ProjectFolder): (StackSetup & { manager: PackageManager; pkg: PackageJson }) | null {
  const pkg = readPackageJson(folder);
  if (pkg === null) return null;
  const install = installLine(folder, pkg);
  const explanation = [`package.json found: Node.js`, install.why];
  const build = [];
  if (pkg.scripts.build !== undefined) {
    build.push(shellCommand('build', `${install.manager} run build`));
    explanation.push(`a "build" script: \`${install.manager} run build\` at every deployment, before the service`);
  }
  return { name: 'Node.js', manager: install.manager, pkg, initial: [shellCommand('install', install.line)], build, shellPrefix: '', explanation };
}

/** A Node.js app: its `start` script (or its entry file) as the service, or the static output of its build. */
export function detectNode(folder: ProjectFolder): Detection | null {
  const setup = nodeSetup(folder);
  if (setup === null) return null;
  const { pkg, manager } = setup;
  const explanation = [...setup.explanation];
  if (pkg.scripts.start !== undefined) {
    const line = manager === 'npm' ? 'npm start' : `${manager} start`;
    explanation.push(`a "start" script: \`${line}\` is the service, with PORT set to the port it must listen on`);
    return { kind: 'node', template: templateOf(setup.initial, setup.build, shellCommand('web', line)), explanation };
  }
  const entry = pkg.main !== null && folder.isFile(pkg.main) ? pkg.main : folder.firstFile(ENTRY_FILES);
  if (entry !== null) {
    explanation.push(`no "start" script; ${entry} is the entry: \`node ${entry}\` is the service, with PORT set`);
    return { kind: 'node', template: templateOf(setup.initial, setup.build, shellCommand('web', `exec node ${entry}`)), explanation };
  }
  if (pkg.scripts.build !== undefined) {
    const output = BUILD_OUTPUTS.find((name) => folder.isDirectory(name)) ?? (/\breact-scripts\b/.test(pkg.scripts.build) ? 'build' : 'dist');
    explanation.push(`no "start" script and no entry file, so the build makes a static site: ${output}/ is served by Berth's static server`);
    return { kind: 'static', template: staticSiteTemplate(setup.initial, setup.build, output), explanation };
  }
  return null;
}
