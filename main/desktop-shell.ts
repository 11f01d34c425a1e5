import { join } from 'node:path';
import { BrowserWindow, MessageChannelMain, Tray, app, dialog, ipcMain, nativeImage, powerMonitor, session, shell } from 'electron';
import electronUpdater from 'electron-updater';
import { DESKTOP_EVENTS, REQUEST_AGENT_PORT, type AgentProcessTask, type DesktopInfo, type NavigationTarget } from '../agent-core/protocol/desktop';
import type { AgentState } from '../agent-core/protocol/local-api';
import { AgentHost } from './agent-host';
import { MainAgentClient } from './main-agent-client';
import { forkAgentProcess } from './agent-process';
import { createAppWindow, revealWindow, sendAgentPort, sendNavigation } from './app-window';
import { closeToTray } from './close-to-tray';
import { isAppUrl } from './content-security';
import { handleDesktopCalls } from './desktop-calls';
import type { DesktopView } from './desktop-view';
import { isSlotUrl } from './external-links';
import { getStartAtLogin, setStartAtLogin, startedHidden } from './login-item';
import type { DesktopLogs } from './logging';
import { Notifier, crashNotice, noticesBetween } from './notifications';
import { DesktopPreferences } from './preferences';
import { QuitFlow } from './quit-flow';
import { serveRenderer } from './renderer-protocol';
import { detectAgentMode, elevatedInvocation, runProgram, serviceInstallArgs, type ModeDetection } from './service-mode';
import { SlotErrorRates } from './slot-error-rates';
import { TrayPresenter } from './tray';
import { trayIconPath } from './tray-icon';
import type { TrayActions } from './tray-menu';
import { UpdateGate, deploymentInFlight } from './updater-gate';
import { hardenContents, hardenSession } from './window-security';

const ACTIVE = new Set(['running', 'deploying', 'stopping']);

function taskFor(detection: ModeDetection, storagePath: string | undefined): AgentProcessTask {
  return detection.mode === 'service' ? { kind: 'service-client', storagePath } : { kind: 'embedded', storagePath };
}

/** The desktop app: the agent process, main's own local-API client, the window, the tray and everything around them. */
export async function startDesktop(options: { logs: DesktopLogs; devServer: string | null; storagePath: string | undefined }): Promise<{ showWindow(): void }> {
  const { logs, devServer } = options;
  const platform = process.platform;
  const here = import.meta.dirname;
  const resources = app.isPackaged ? process.resourcesPath : join(here, '..', '..', 'resources');
  const trayDirectory = join(resources, 'tray');
  const preferences = new DesktopPreferences(join(app.getPath('userData'), 'desktop-preferences.json'));

  hardenSession(session.defaultSession, devServer);
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, devServer));
  serveRenderer(session.defaultSession.protocol, join(here, '..', 'renderer'));

  let detection = await detectAgentMode(platform);
  const host = new AgentHost((task) => forkAgentProcess(task, logs), () => new MessageChannelMain());
  const link = new MainAgentClient(host);
  let window: BrowserWindow | null = null;

  const showWindow = (target?: NavigationTarget): void => {
    const shown = window ?? openWindow();
    revealWindow(shown);
    if (target) sendNavigation(shown, target);
  };
  const notifier = new Notifier((target) => showWindow(target));

  const quitFlow = new QuitFlow({
    mode: () => host.mode ?? detection.mode,
    runningSlots: () => link.state?.slots.filter((slot) => ACTIVE.has(slot.status.status)).length ?? 0,
    confirm: async (count) => {
      const question = `Quit and stop ${count} slot${count === 1 ? '' : 's'}?`;
      const answer = await dialog.showMessageBox({
        type: 'question',
        buttons: ['Quit and stop', 'Cancel'],
        defaultId: 0,
        cancelId: 1,
        message: question,
        detail: 'Their shutdown commands run now, and they start again the next time Berth starts.',
      });
      return answer.response === 0;
    },
    stopAgent: () => host.stop(),
    exit: () => app.quit(),
  });

  function openWindow(): BrowserWindow {
    // A packaged app's window takes the executable's icon.
    const icon = app.isPackaged ? undefined : join(resources, 'icon.png');
    const created = createAppWindow({ preload: join(here, '..', 'preload', 'index.cjs'), devServer, icon });
    window = created;
    closeToTray(created, {
      isQuitting: () => quitFlow.isQuitting,
      hintShown: () => preferences.trayHintShown,
      onFirstHide: () => {
        preferences.markTrayHintShown();
        notifier.show({ kind: 'keeps-running', title: 'Berth keeps running', body: 'Your slots stay up. Berth is in the tray; quit it from there.', target: { page: 'slots' } });
      },
    });
    // Windows ends the session: the slots stop with their shutdown commands before it goes on.
    created.on('query-session-end', (event) => {
      if (quitFlow.onSessionEnding()) event.preventDefault();
    });
    created.on('session-end', () => quitFlow.onSessionEnding());
    created.on('closed', () => {
      if (window === created) window = null;
    });
    return created;
  }

  const update = new UpdateGate(electronUpdater.autoUpdater, {
    enabled: app.isPackaged && process.env['BERTH_NO_UPDATES'] !== '1',
    inFlight: () => deploymentInFlight(link.state),
    log: (message) => logs.main.warn(message),
  });
  electronUpdater.autoUpdater.logger = logs.main;

  const actions: TrayActions = {
    slot: (slotId, action) => {
      link.client.call(`slot.${action}`, { slot: slotId }).catch((error: Error) => {
        logs.main.warn(`tray: ${action} ${slotId} failed: ${error.message}`);
        notifier.show({ kind: 'action-failed', title: `Could not ${action} the slot`, body: error.message, target: { page: 'slot', slotId } });
      });
    },
    openUrl: (url) => {
      if (isSlotUrl(url, link.state)) void shell.openExternal(url);
    },
    showLogs: (slotId) => showWindow({ page: 'slot', slotId, tab: 'logs' }),
    openWindow: () => showWindow(),
    retryConnection: () => void link.client.call('connection.retry').catch((error: Error) => logs.main.warn(`retry failed: ${error.message}`)),
    setStartAtLogin: (enabled) => {
      setStartAtLogin(app, enabled, platform);
      render();
    },
    checkForUpdates: () => update.checkNow(),
    restartToUpdate: () => void update.restartToInstall(),
    openLogsFolder: () => void shell.openPath(logs.folder),
    quit: () => app.quit(),
  };

  const tray = new Tray(nativeImage.createFromPath(trayIconPath(trayDirectory, 'offline')));
  tray.on('click', () => showWindow());
  const presenter = new TrayPresenter(tray, trayDirectory, actions);
  // The tray says when a slot's share of 5xx goes up: main follows every blue-green slot's traffic.
  const errorRates = new SlotErrorRates();
  let alarmsShown = '{}';
  // Redrawn only when what the tray says changes: a menu rebuilt every second flickers while open.
  const renderAlarms = (): void => {
    const alarms = JSON.stringify(errorRates.alarms(), (key, value: unknown) => (key === 'percent' ? Math.round(value as number) : key === 'requests' ? undefined : value));
    if (alarms === alarmsShown) return;
    alarmsShown = alarms;
    render();
  };
  let followingTraffic = false;
  const followTraffic = (): void => {
    if (followingTraffic) return;
    followingTraffic = true;
    // The client opens the stream again by itself after a reconnect, with the history anew.
    link.client
      .subscribeMetrics(
        {},
        (event) => {
          errorRates.step(event.slotId, event.series);
          renderAlarms();
        },
        (history) => {
          errorRates.history(history);
          renderAlarms();
        },
      )
      .then((stream) => {
        errorRates.history(stream.metrics);
        renderAlarms();
      })
      .catch((error: Error) => {
        followingTraffic = false;
        logs.main.warn(`tray: could not follow the slots' traffic: ${error.message}`);
      });
  };
  const view = (): DesktopView => ({
    agent: host.state,
    mode: host.mode ?? detection.mode,
    service: detection.service,
    state: link.state,
    live: link.live,
    startAtLogin: getStartAtLogin(app, platform),
    update: update.view,
    errorRates: errorRates.alarms(),
  });
  const render = (): void => presenter.show(view());

  let previous: AgentState | null = null;
  link.watch((state) => {
    for (const notice of noticesBetween(previous, state)) notifier.show(notice);
    previous = state;
    render();
  });
  link.client.on('connection', (up) => {
    if (!up) previous = null;
    else followTraffic();
    render();
  });
  host.on('state', render);
  update.onChange(render);

  host.on('ready', () => {
    if (window) {
      const port = host.openPort();
      if (port) sendAgentPort(window, port);
    }
  });
  host.on('crashed', (crash) => {
    logs.main.error(`the agent process exited with code ${crash.exitCode}${crash.reason ? `: ${crash.reason}` : ''}; restarting in ${crash.restartInMs} ms`);
    const notice = crashNotice(crash);
    if (notice) notifier.show(notice);
  });

  const trusted = (frame: { url: string } | null | undefined): boolean => frame !== null && frame !== undefined && isAppUrl(frame.url, devServer);
  ipcMain.on(REQUEST_AGENT_PORT, (event) => {
    if (!trusted(event.senderFrame)) return;
    const port = host.openPort();
    if (port) event.sender.postMessage(DESKTOP_EVENTS.agentPort, null, [port]);
  });
  const info = (): DesktopInfo => ({
    version: app.getVersion(),
    mode: host.mode ?? detection.mode,
    service: detection.service,
    serviceAvailable: platform === 'win32' && app.isPackaged,
    logsPath: logs.folder,
  });
  handleDesktopCalls(
    ipcMain,
    {
      'desktop.info': info,
      'desktop.openExternal': async (url) => {
        if (!isSlotUrl(url, link.state)) throw new Error('only the http(s) address of one of your slots can be opened');
        await shell.openExternal(url);
      },
      'desktop.startAtLogin.get': () => getStartAtLogin(app, platform),
      'desktop.startAtLogin.set': (enabled) => {
        const result = setStartAtLogin(app, enabled, platform);
        render();
        return result;
      },
      'desktop.serviceMode.set': async (enabled) => {
        if (!info().serviceAvailable) throw new Error('service mode needs the installed Berth on Windows');
        // This agent stops first; the service has its own storage and starts empty (README, Service mode).
        await host.stop();
        const elevated = elevatedInvocation(process.execPath, serviceInstallArgs(enabled, process.env));
        const outcome = await runProgram(elevated.file, elevated.args);
        detection = await detectAgentMode(platform);
        host.start(taskFor(detection, options.storagePath));
        if (outcome.code !== 0) throw new Error(`${enabled ? 'installing' : 'removing'} the service failed or was cancelled: ${outcome.output.trim().split('\n').pop() ?? ''}`);
        return info();
      },
      'desktop.logsFolder.open': async () => {
        await shell.openPath(logs.folder);
      },
    },
    (event) => trusted(event.senderFrame),
  );

  app.on('before-quit', (event) => quitFlow.onBeforeQuit(event));
  // Linux and macOS tell of a shutdown here; Windows through the window's session events.
  powerMonitor.on('shutdown', (...args: unknown[]) => {
    const event = args[0] as { preventDefault?(): void } | undefined;
    if (quitFlow.onSessionEnding()) event?.preventDefault?.();
  });
  // The tray keeps Berth alive with no window open.
  app.on('window-all-closed', () => undefined);
  app.on('activate', () => showWindow());

  host.start(taskFor(detection, options.storagePath));
  // The window exists even when hidden: Windows announces a shutdown to windows only.
  const created = openWindow();
  if (!startedHidden(process.argv, app.getLoginItemSettings().wasOpenedAsHidden)) created.once('ready-to-show', () => created.show());
  update.start();
  render();

  Object.assign(globalThis, {
    // For the Playwright smoke test, which can only reach main through evaluate().
    berthDesktop: {
      view: () => ({ ...view(), tooltipShown: presenter.tooltip, trayDestroyed: tray.isDestroyed() }),
      call: (method: Parameters<typeof link.client.call>[0], params?: object) => (link.client.call as (m: string, p?: object) => Promise<unknown>)(method, params),
      quitStoppingSlots: () => quitFlow.onSessionEnding(),
    },
  });
  return { showWindow: () => showWindow() };
}
