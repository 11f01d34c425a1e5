import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectProject, NothingDetected, ProcfileProblem, STATIC_SERVER_SCRIPT } from '../../agent-core/detect';
import { makeTempDir } from '../fixtures/temp-dir';

let folders: { cleanup(): void }[] = [];
afterEach(() => {
  for (const folder of folders) folder.cleanup();
  folders = [];
});

/** A project folder in a temp dir with these files (path → content). */
function project(files: Record<string, string>): string {
  const folder = makeTempDir('berth-detect-');
  folders.push(folder);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(folder.path, path)), { recursive: true });
    writeFileSync(join(folder.path, path), content);
  }
  return folder.path;
}

const packageJson = (fields: object): string => JSON.stringify({ name: 'app', version: '1.0.0', ...fields });
const lines = (commands: { arguments: string }[]): string[] => commands.map((command) => command.arguments);

describe('project detection', () => {
  it('runs a Procfile web process as the service and its release process before it, leaving other types out', () => {
    const found = detectProject(project({ Procfile: '# processes\nweb: ./serve --port $PORT\nrelease: ./migrate\nworker: ./work\n\n' }));
    expect(found.kind).toBe('procfile');
    expect(found.template.initial).toEqual([]);
    expect(lines(found.template.startup)).toEqual(['./migrate', './serve --port $PORT']);
    expect(found.template.startup.at(-1)).toMatchObject({ name: 'web', service: true });
    expect(found.explanation.join('\n')).toContain('left out (a slot runs one service): worker');
  });

  it('installs the stack found beside a Procfile before its processes run', () => {
    const found = detectProject(project({ Procfile: 'web: gunicorn app:app', 'requirements.txt': 'gunicorn\n', 'app.py': '' }));
    expect(found.kind).toBe('procfile');
    expect(lines(found.template.initial).join('\n')).toContain('pip install -r requirements.txt');
    expect(found.template.startup.at(-1)!.arguments).toMatch(/activate\ngunicorn app:app$/);
  });

  it('says what a Procfile without a web process lacks', () => {
    expect(() => detectProject(project({ Procfile: 'worker: ./work\n' }))).toThrow(ProcfileProblem);
    expect(() => detectProject(project({ Procfile: 'worker: ./work\n' }))).toThrow(/has worker but no web process/);
  });

  it('takes the package manager from the lockfile, the build script as a task and the start script as the service', () => {
    const scripts = { scripts: { build: 'tsc', start: 'node dist/server.js' } };
    const npm = detectProject(project({ 'package.json': packageJson(scripts), 'package-lock.json': '{}' }));
    expect(npm.kind).toBe('node');
    expect(lines(npm.template.initial)).toEqual(['npm ci']);
    expect(lines(npm.template.startup)).toEqual(['npm run build', 'npm start']);
    const pnpm = detectProject(project({ 'package.json': packageJson(scripts), 'pnpm-lock.yaml': '' }));
    expect(lines(pnpm.template.initial)).toEqual(['pnpm install --frozen-lockfile']);
    expect(lines(pnpm.template.startup)).toEqual(['pnpm run build', 'pnpm start']);
    const yarn = detectProject(project({ 'package.json': packageJson(scripts), 'yarn.lock': '' }));
    expect(lines(yarn.template.initial)).toEqual(['yarn install --frozen-lockfile']);
  });

  it('runs a Node entry file when there is no start script, and installs without a lockfile', () => {
    const found = detectProject(project({ 'package.json': packageJson({ main: 'src/main.js' }), 'src/main.js': '' }));
    expect(lines(found.template.initial)).toEqual(['npm install']);
    expect(lines(found.template.startup)).toEqual(['exec node src/main.js']);
  });

  it('serves the build output of a Node project that has a build script but nothing to start', () => {
    const found = detectProject(project({ 'package.json': packageJson({ scripts: { build: 'vite build' } }), 'package-lock.json': '{}' }));
    expect(found.kind).toBe('static');
    expect(lines(found.template.startup)[0]).toBe('npm run build');
    expect(found.template.startup.at(-1)).toMatchObject({ type: 'node', workingDirectory: 'dist', service: true, arguments: STATIC_SERVER_SCRIPT });
    const react = detectProject(project({ 'package.json': packageJson({ scripts: { build: 'react-scripts build' } }) }));
    expect(react.template.startup.at(-1)!.workingDirectory).toBe('build');
  });

  it('makes a Python virtual environment, installs requirements and runs app.py', () => {
    const found = detectProject(project({ 'app.py': 'print(1)\n', 'requirements.txt': 'requests\n' }));
    expect(found.kind).toBe('python');
    expect(lines(found.template.initial)).toEqual([
      'python3 -m venv .venv 2>/dev/null || python -m venv .venv',
      '. .venv/bin/activate 2>/dev/null || . .venv/Scripts/activate\npython -m pip install -r requirements.txt',
    ]);
    expect(found.template.startup.at(-1)!.arguments).toMatch(/\nexec python app\.py$/);
  });

  it('installs a pyproject.toml project and recognises FastAPI, Flask and Django entries', () => {
    const fastApi = detectProject(project({ 'pyproject.toml': '[project]\ndependencies = ["fastapi", "uvicorn[standard]"]\n', 'main.py': 'from fastapi import FastAPI\napi = FastAPI()\n' }));
    expect(lines(fastApi.template.initial)[1]).toMatch(/pip install \.$/);
    expect(fastApi.template.startup.at(-1)!.arguments).toMatch(/exec uvicorn main:api --host 127\.0\.0\.1 --port "\$PORT"$/);
    const gunicorn = detectProject(project({ 'requirements.txt': 'flask==3.0\ngunicorn>=21\n', 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' }));
    expect(gunicorn.template.startup.at(-1)!.arguments).toMatch(/exec gunicorn --bind "127\.0\.0\.1:\$PORT" app:app$/);
    const flask = detectProject(project({ 'requirements.txt': 'flask\n', 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' }));
    expect(flask.template.startup.at(-1)!.arguments).toMatch(/exec flask --app app run --host 127\.0\.0\.1 --port "\$PORT"$/);
    const django = detectProject(project({ 'requirements.txt': 'django\n', 'manage.py': '' }));
    expect(django.template.startup.at(-1)!.arguments).toMatch(/exec python manage\.py runserver "127\.0\.0\.1:\$PORT" --noreload$/);
  });

  it('serves a folder with an index.html as a static site', () => {
    const found = detectProject(project({ 'index.html': '<h1>hi</h1>' }));
    expect(found.kind).toBe('static');
    expect(found.template.initial).toEqual([]);
    expect(found.template.startup).toEqual([{ type: 'node', name: 'static server', arguments: STATIC_SERVER_SCRIPT, workingDirectory: null, service: true }]);
  });

  it('prefers a Procfile to a package.json, and a package.json to an index.html', () => {
    const files = { Procfile: 'web: node other.js', 'package.json': packageJson({ scripts: { start: 'node a.js' } }), 'index.html': '' };
    expect(detectProject(project(files)).kind).toBe('procfile');
    const { Procfile: _procfile, ...rest } = files;
    expect(detectProject(project(rest)).kind).toBe('node');
  });

  it('says what it looked for and how to write a Procfile when nothing fits', () => {
    const folder = project({ 'README.md': '# nothing to run' });
    expect(() => detectProject(folder)).toThrow(NothingDetected);
    expect(() => detectProject(folder)).toThrow(/a Procfile with a web: line[\s\S]*web: \.\/my-server --port \$PORT/);
  });
});
