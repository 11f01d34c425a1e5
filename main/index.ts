import { join, win32 } from 'node:path';
import { app, protocol } from 'electron';
import { SERVICE_LOG_FOLDER } from '../agent-core/protocol/desktop';
import { startDesktop } from './desktop-shell';
import { setUpLogging } from './logging';
import { registerAppScheme } from './renderer-protocol';
import { serviceRole } from './service-mode';
import { runServiceRole } from './service-roles';
import { claimSingleInstance } from './single-instance';

const argv = process.argv;
const role = serviceRole(argv);

// Chromium's own files (caches, local storage) apart from the agent's storage folder, which on
// Windows and macOS is the default userData folder.
app.setPath('userData', join(app.getPath('appData'), 'Berth', 'desktop'));
// As the service (or a step of its setup) the logs go beside WinSW's, where an administrator looks for them.
if (role !== null && process.platform === 'win32') app.setAppLogsPath(win32.join(process.env['ProgramData'] ?? 'C:\\ProgramData', ...SERVICE_LOG_FOLDER));
else app.setAppLogsPath();
const logs = setUpLogging(app.getPath('logs'));

const storageIndex = argv.indexOf('--storage');
const storagePath = storageIndex === -1 ? undefined : argv[storageIndex + 1];

if (role !== null) {
  // As the Windows service, or a step of its setup: no window, no tray, no GPU in session 0.
  app.disableHardwareAcceleration();
  runServiceRole(role, app, logs, argv).catch((error: unknown) => {
    logs.main.error(`service ${role}: ${(error as Error).message}`);
    app.exit(1);
  });
} else {
  registerAppScheme(protocol);
  let showWindow: (() => void) | null = null;
  if (claimSingleInstance(app, () => showWindow?.())) {
    app
      .whenReady()
      .then(() => startDesktop({ logs, devServer: process.env['ELECTRON_RENDERER_URL'] ?? null, storagePath }))
      .then(
        (desktop) => {
          showWindow = desktop.showWindow;
        },
        (error: unknown) => {
          logs.main.error(`Berth could not start: ${(error as Error).stack ?? String(error)}`);
          app.exit(1);
        },
      );
  }
}
