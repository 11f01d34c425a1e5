import { shellCommand, templateOf, type Detection, type StackSetup } from './detection';
import type { ProjectFolder } from './project-folder';

/** Puts the working copy's virtual environment first on PATH (bin/ on Linux and macOS, Scripts/ on Windows). */
export const VENV_ACTIVATE = '. .venv/bin/activate 2>/dev/null || . .venv/Scripts/activate';

const MARKERS = ['requirements.txt', 'pyproject.toml', 'setup.py', 'manage.py', 'app.py', 'main.py'];
const ENTRIES = ['app.py', 'main.py'];

/** The dependency files' text, lowercased, to tell which servers the app uses. */
function dependencies(folder: ProjectFolder): string {
  return `${folder.text('requirements.txt') ?? ''}\n${folder.text('pyproject.toml') ?? ''}`.toLowerCase();
}

function uses(deps: string, name: string): boolean {
  return new RegExp(`(^|[\\s"'\\[,])${name}([\\s"'<>=~!;\\[\\],]|$)`, 'm').test(deps);
}

/** Python tools for a folder that looks like a Python project: a virtual environment in the working copy, and its dependencies. */
export function pythonSetup(folder: ProjectFolder): StackSetup | null {
  if (!MARKERS.some((name) => folder.isFile(name))) return null;
  const requirements = folder.isFile('requirements.txt');
  const project = !requirements && (folder.isFile('pyproject.toml') || folder.isFile('setup.py'));
  const withPip = requirements || project;
  const venv = shellCommand(
    'virtual environment',
    withPip ? 'python3 -m venv .venv 2>/dev/null || python -m venv .venv' : 'python3 -m venv --without-pip .venv 2>/dev/null || python -m venv --without-pip .venv',
  );
  const explanation = ['a Python project: a virtual environment in .venv of the working copy, made once per working copy'];
  const initial = [venv];
  if (requirements) {
    initial.push(shellCommand('dependencies', 'python -m pip install -r requirements.txt', VENV_ACTIVATE));
    explanation.push('requirements.txt: `pip install -r requirements.txt` into it');
  } else if (project) {
    initial.push(shellCommand('dependencies', 'python -m pip install .', VENV_ACTIVATE));
    explanation.push(`${folder.isFile('pyproject.toml') ? 'pyproject.toml' : 'setup.py'}: \`pip install .\` into it`);
  }
  return { name: 'Python', initial, build: [], shellPrefix: VENV_ACTIVATE, explanation };
}

/** The service line for a recognised entry, and why; null when none is clear. */
function serviceFor(folder: ProjectFolder, deps: string): { line: string; why: string } | null {
  if (folder.isFile('manage.py')) {
    return { line: 'exec python manage.py runserver "127.0.0.1:$PORT" --noreload', why: 'manage.py: a Django app, run with its development server on PORT' };
  }
  const entry = folder.firstFile(ENTRIES);
  if (entry === null) return null;
  const module = entry.slice(0, -'.py'.length);
  const source = folder.text(entry) ?? '';
  const fastApi = /^(\w+)\s*=\s*FastAPI\(/m.exec(source);
  if (fastApi && uses(deps, 'uvicorn')) {
    const target = `${module}:${fastApi[1]}`;
    return { line: `exec uvicorn ${target} --host 127.0.0.1 --port "$PORT"`, why: `${entry} makes a FastAPI app: \`uvicorn ${target}\` on PORT` };
  }
  const flask = /^(\w+)\s*=\s*Flask\(/m.exec(source);
  if (flask && uses(deps, 'gunicorn')) {
    const target = `${module}:${flask[1]}`;
    return { line: `exec gunicorn --bind "127.0.0.1:$PORT" ${target}`, why: `${entry} makes a Flask app and gunicorn is a dependency: \`gunicorn ${target}\` on PORT` };
  }
  if (flask && !/__name__\s*==\s*['"]__main__['"]/.test(source)) {
    return { line: `exec flask --app ${module} run --host 127.0.0.1 --port "$PORT"`, why: `${entry} makes a Flask app: \`flask run\` on PORT` };
  }
  return { line: `exec python ${entry}`, why: `${entry}: \`python ${entry}\` is the service; it must listen on the port in PORT` };
}

/** A Python app with a recognised entry (manage.py, app.py, main.py). */
export function detectPython(folder: ProjectFolder): Detection | null {
  const setup = pythonSetup(folder);
  if (setup === null) return null;
  const service = serviceFor(folder, dependencies(folder));
  if (service === null) return null;
  return {
    kind: 'python',
    template: templateOf(setup.initial, setup.build, shellCommand('web', service.line, setup.shellPrefix)),
    explanation: [...setup.explanation, service.why],
  };
}
