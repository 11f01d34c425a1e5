import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { isProcessAlive } from '../../agent-core/runner/process-identity';

const root = resolve(import.meta.dirname, '..', '..');

/** What main exposes to this test on globalThis (see main/desktop-shell.ts). */
interface DesktopProbe {
  view(): { agent: string; mode: string; tooltipShown: string; trayDestroyed: boolean };
  call(method: string, params?: object): Promise<unknown>;
  quitStoppingSlots(): boolean;
}
declare const berthDesktop: DesktopProbe | undefined;

test.describe('desktop app', () => {
  test('starts with a tray, shows a slot in the window, and stops its process on quit', async () => {
    const storage = mkdtempSync(join(tmpdir(), 'berth-smoke-'));
    const sources = mkdtempSync(join(tmpdir(), 'berth-smoke-src-'));
    const appDir = join(sources, 'app');
    mkdirSync(appDir);
    cpSync(join(root, 'test', 'fixtures', 'sample-app', 'server.cjs'), join(appDir, 'server.cjs'));
    writeFileSync(join(appDir, 'VERSION'), 'smoke\n');
    writeFileSync(join(storage, 'settings.json'), JSON.stringify({ name: 'smoke-host', sourceRoots: [sources] }));

    const app = await electron.launch({ args: ['.'], cwd: root, env: { ...process.env, BERTH_STORAGE: storage, BERTH_NO_UPDATES: '1' } });
    try {
      const window = await app.firstWindow();
      await expect.poll(() => app.evaluate(() => berthDesktop?.view().agent), { timeout: 60_000 }).toBe('ready');
      expect(await app.evaluate(() => berthDesktop?.view().trayDestroyed)).toBe(false);

      const spec = {
        id: 'slot_smoke',
        name: 'smoke-slot',
        workspace: 'local',
        template: { startup: [{ type: 'node', name: 'web', arguments: "require('./server.cjs')", service: true }], shutdown: [], initial: [], variables: [] },
        variables: {},
      };
      const deployment = (await app.evaluate(
        async (_electron, args) => {
          await berthDesktop!.call('localSlots.create', { spec: args.spec, source: { kind: 'directory', path: args.appDir } });
          return berthDesktop!.call('slot.deploy', { slot: 'smoke-slot' });
        },
        { spec, appDir },
      )) as { status: string; port: number };
      expect(deployment.status).toBe('ready');

      const skip = window.getByRole('button', { name: /^Skip/ });
      if (await skip.isVisible()) await skip.click();
      await expect(window.getByText('smoke-slot').first()).toBeVisible({ timeout: 30_000 });
      await expect.poll(() => app.evaluate(() => berthDesktop?.view().tooltipShown)).toContain('1 running');

      let pid = 0;
      await expect
        .poll(async () => {
          const answer = await fetch(`http://127.0.0.1:${deployment.port}/`).catch(() => null);
          pid = answer ? ((await answer.json()) as { pid: number }).pid : 0;
          return pid;
        })
        .toBeGreaterThan(0);
      expect(isProcessAlive(pid)).toBe(true);

      const closed = app.waitForEvent('close', { timeout: 60_000 });
      await app.evaluate(() => berthDesktop?.quitStoppingSlots());
      await closed;
      await expect.poll(() => isProcessAlive(pid), { timeout: 30_000 }).toBe(false);
    } finally {
      await app.close().catch(() => undefined);
      rmSync(storage, { recursive: true, force: true });
      rmSync(sources, { recursive: true, force: true });
    }
  });
});
