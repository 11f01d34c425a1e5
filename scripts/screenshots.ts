// `npm run screenshots`: drives the real window, served by a real headless agent, through the main
// views in light and dark, and writes docs/screenshots/<view>-<scheme>.png for the README.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { LocalApiClient } from '../agent-core/protocol/local-api';
import { findFreePort } from '../agent-core/traffic';
import { launchChromium } from '../test/e2e/fixtures/chromium';
import { ensureWindowBuilt, HeadlessAgent } from '../test/e2e/fixtures/headless-agent';
import { trafficTo } from '../test/e2e/fixtures/traffic';
import { writeSampleApp } from '../test/fixtures/slot-spec';

const OUT = join(import.meta.dirname, '..', 'docs', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };

function appSpec(id: string, name: string, publicPort: number, mode: 'blue-green' | 'single') {
  return {
    id,
    name,
    workspace: 'acme-web',
    template: {
      initial: [{ type: 'bash' as const, name: 'install', arguments: "printf '\\033[32m✔\\033[0m dependencies up to date (42 packages)\\n'" }],
      startup: [
        { type: 'bash' as const, name: 'migrate', arguments: "printf 'applying migrations… \\033[1mdone\\033[0m\\n'" },
        { type: 'bash' as const, name: 'web', arguments: 'exec node server.cjs', service: true },
      ],
      shutdown: [],
      variables: [
        { name: 'NodeEnv', default: 'production', secret: false },
        { name: 'DatabasePassword', default: null, secret: true },
      ],
      stopGraceMs: 2_000,
    },
    variables: { NodeEnv: 'staging', DatabasePassword: 'hunter2' },
    traffic: { mode, publicPort, healthCheck: { path: '/healthz', intervalMs: 100, timeoutMs: 4_000 }, drainTimeoutMs: 1_000 },
  };
}

async function deploy(client: LocalApiClient, agent: HeadlessAgent, slot: string, folder: string, version: string): Promise<void> {
  const path = writeSampleApp(agent.sourceDir(folder), version);
  await client.call('slot.deploy', { slot, source: { kind: 'directory', path } }).catch(() => undefined);
}

/** Two slots with some history: a blue-green one with a failed deployment and a preview, and a single one. */
async function seed(agent: HeadlessAgent): Promise<number> {
  const client = await agent.client();
  try {
    const shopPort = await findFreePort({ range: [48000, 48999] });
    const docsPort = await findFreePort({ range: [48000, 48999] });
    const shopDir = writeSampleApp(agent.sourceDir('shop'), 'v1');
    await client.call('localSlots.create', { spec: appSpec('slot_shop', 'shop-web', shopPort, 'blue-green'), source: { kind: 'directory', path: shopDir } });
    await client.call('localSlots.create', {
      spec: appSpec('slot_docs', 'docs', docsPort, 'single'),
      source: { kind: 'directory', path: writeSampleApp(agent.sourceDir('docs'), 'v1') },
    });
    await deploy(client, agent, 'slot_shop', 'shop', 'v1');
    await deploy(client, agent, 'slot_shop', 'shop', 'v2');
    await deploy(client, agent, 'slot_shop', 'shop', 'unhealthy');
    await deploy(client, agent, 'slot_shop', 'shop', 'v3');
    await deploy(client, agent, 'slot_docs', 'docs', 'v1');
    writeSampleApp(agent.sourceDir('shop'), 'v4');
    return shopPort;
  } finally {
    client.close();
  }
}

/**
 * A minute of traffic through shop-web for its charts: steady requests, a few seconds of 500s
 * from the live version, then a swap to a new deployment under the traffic.
 */
async function trafficHistory(agent: HeadlessAgent, shopPort: number): Promise<{ stop(): void }> {
  const traffic = trafficTo(shopPort, 30);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  await pause(20_000);
  const client = await agent.client();
  try {
    const live = (await client.call('state.get')).slots.find((slot) => slot.id === 'slot_shop')?.status.liveColor ?? 'blue';
    const unhealthy = join(agent.storage, 'slots', 'acme-web', 'shop-web', live, 'UNHEALTHY');
    writeFileSync(unhealthy, '');
    traffic.path = '/healthz';
    await pause(4_000);
    rmSync(unhealthy);
    traffic.path = '/';
    await pause(12_000);
    await deploy(client, agent, 'slot_shop', 'shop', 'v4');
    await pause(15_000);
  } finally {
    client.close();
  }
  return traffic;
}

async function shoot(page: Page, name: string, scheme: string): Promise<void> {
  // Uptimes and "ago" labels tick; a settled frame keeps the picture sharp.
  await page.waitForTimeout(300);
  const file = join(OUT, `${name}-${scheme}.png`);
  writeFileSync(file, await page.screenshot({ fullPage: false }));
  console.log(`wrote ${file}`);
}

async function main(): Promise<void> {
  ensureWindowBuilt();
  mkdirSync(OUT, { recursive: true });
  const agent = await HeadlessAgent.start({ name: 'qa-box-3' });
  const browser = await launchChromium();
  let traffic: { stop(): void } | null = null;
  try {
    const shopPort = await seed(agent);
    traffic = await trafficHistory(agent, shopPort);
    for (const scheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: scheme });
      const page = await context.newPage();
      await page.goto(await agent.loginUrl());
      await page.getByRole('heading', { name: 'Set up this machine' }).waitFor();
      await shoot(page, 'setup', scheme);
      await page.getByRole('button', { name: /^Skip/ }).click();
      await page.getByRole('heading', { name: 'Slots' }).waitFor();
      await page.locator('tr[data-slot="docs"]').getByText('running').waitFor();
      await shoot(page, 'slots', scheme);

      await page.getByRole('link', { name: 'shop-web' }).click();
      await page.getByRole('heading', { name: 'Deployment history' }).waitFor();
      await shoot(page, 'slot', scheme);
      await page.getByRole('region', { name: 'Traffic' }).locator('canvas').first().waitFor();
      await page.getByRole('heading', { name: 'Traffic' }).evaluate((heading) => heading.scrollIntoView());
      await shoot(page, 'traffic', scheme);
      await page.evaluate(() => window.scrollTo(0, 0));

      await page.getByRole('button', { name: 'Open the failure log' }).click();
      await page.locator('dialog .xterm-rows').getByText('deployment failed').waitFor();
      await shoot(page, 'failure-log', scheme);
      await page.getByRole('button', { name: 'Close', exact: true }).click();

      await page.getByRole('button', { name: 'Deploy shop-web' }).click();
      await page.getByRole('checkbox', { name: /Go live once healthy/ }).uncheck();
      await page.getByRole('button', { name: 'Deploy', exact: true }).click();
      await page.getByText(/is ready as a preview/).waitFor({ timeout: 60_000 });
      await shoot(page, 'deploy', scheme);
      await page.getByRole('button', { name: 'Close', exact: true }).click();

      await page.getByRole('link', { name: 'Logs' }).click();
      await page.locator('.xterm-rows').getByText('listening').first().waitFor();
      await shoot(page, 'logs', scheme);

      await page.goto(`${agent.origin}/#/slots/slot_shop/edit`);
      await page.getByRole('heading', { name: 'Edit shop-web' }).waitFor();
      await shoot(page, 'editor', scheme);

      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('heading', { name: 'Settings' }).waitFor();
      await shoot(page, 'settings', scheme);

      // The preview made for the picture goes, so the next scheme starts from the same state.
      const client = await agent.client();
      const slot = (await client.call('state.get')).slots.find((item) => item.id === 'slot_shop');
      for (const preview of slot?.status.previewDeploymentIds ?? []) {
        await client.call('slot.promote', { slot: 'slot_shop', deploymentId: preview });
      }
      client.close();
      await context.close();
    }
  } finally {
    traffic?.stop();
    await browser.close();
    await removeSeed(agent).finally(() => agent.dispose());
  }
}

/** Removing the slots removes their secrets from the keychain too, where it is the user's own (macOS, Windows). */
async function removeSeed(agent: HeadlessAgent): Promise<void> {
  const client = await agent.client();
  try {
    for (const slot of ['slot_shop', 'slot_docs']) await client.call('localSlots.remove', { slot }).catch(() => undefined);
  } finally {
    client.close();
  }
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

// The seeded slot has a secret, which the agent keeps in the OS keychain: on Linux without a desktop
// session this runs itself again under a private D-Bus session with an unlocked throwaway keyring.
if (process.platform === 'linux' && !process.env['BERTH_KEYRING_SESSION'] && hasCommand('dbus-run-session') && hasCommand('gnome-keyring-daemon')) {
  const keyringHome = mkdtempSync(join(tmpdir(), 'berth-keyring-'));
  const script = 'printf %s berth | XDG_DATA_HOME="$0" gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"';
  const result = spawnSync('dbus-run-session', ['--', 'bash', '-c', script, keyringHome, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BERTH_KEYRING_SESSION: '1' },
  });
  rmSync(keyringHome, { recursive: true, force: true });
  process.exitCode = result.status ?? 1;
} else {
  await main();
}
