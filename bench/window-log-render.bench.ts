// How long the window takes to render a 50 MB log stream, and the longest main-thread task it
// caused: a real headless agent runs a service that prints 50 MB of coloured lines into its
// terminal, and Debian's Chromium shows the slot's log view following it live (playwright-core).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../test/e2e/fixtures/chromium';
import { ensureWindowBuilt, HeadlessAgent } from '../test/e2e/fixtures/headless-agent';

const TOTAL_BYTES = 50 * 1024 * 1024;

// Prints TOTAL_BYTES of log lines with ANSI colours as fast as the terminal takes them, then idles as a service does.
const FLOOD_APP = `
const total = ${TOTAL_BYTES};
let written = 0;
let line = 0;
while (written < total) {
  let block = '';
  while (block.length < 65536) {
    line += 1;
    block += '\\x1b[2m2026-11-27T10:00:00.000Z\\x1b[0m \\x1b[32mINFO\\x1b[0m flood line ' + line + ' \\x1b[36mGET /api/items?page=' + (line % 97) + '\\x1b[0m 200 in ' + (line % 13) + ' ms lorem ipsum dolor sit amet\\n';
  }
  process.stdout.write(block);
  written += Buffer.byteLength(block);
}
// A line now and then after the flood: once one is on screen, everything before it was drawn or skipped.
let tick = 0;
setInterval(() => process.stdout.write('idle tick ' + ++tick + '\\n'), 250);
`;

interface LongTask {
  start: number;
  duration: number;
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

ensureWindowBuilt();
const agent = await HeadlessAgent.start({ name: 'bench-host' });
const browser = await launchChromium();
try {
  const source = agent.sourceDir('flood');
  writeFileSync(join(source, 'flood.cjs'), FLOOD_APP);
  const client = await agent.client();
  await client.call('localSlots.create', {
    spec: {
      id: 'slot_flood',
      name: 'flood',
      workspace: 'bench',
      template: { startup: [{ type: 'bash', name: 'flood', arguments: 'exec node flood.cjs', service: true }], stopGraceMs: 1_000 },
      traffic: { mode: 'single' },
    },
    source: { kind: 'directory', path: source },
  });

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    (window as unknown as { longTasks: typeof tasks }).longTasks = tasks;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(await agent.loginUrl());
  await page.getByRole('button', { name: /^Skip/ }).click();
  await page.goto(`${agent.origin}/#/slots/slot_flood/logs`);
  await page.getByRole('heading', { name: 'Logs of flood' }).waitFor();

  const deployed = client.call('slot.deploy', { slot: 'slot_flood' });
  await page.waitForFunction(() => document.querySelector('.log-terminal .xterm-rows')?.textContent?.includes('flood line'), null, {
    polling: 'raf',
    timeout: 60_000,
  });
  const firstLine = await page.evaluate(() => performance.now());
  await page.waitForFunction(() => document.querySelector('.log-terminal .xterm-rows')?.textContent?.includes('idle tick'), null, {
    polling: 100,
    timeout: 600_000,
  });
  const lastLine = await page.evaluate(() => performance.now());
  await deployed;
  await page.waitForTimeout(500);
  const status = (await page.locator('.log-status').textContent()) ?? '';
  const tasks = await page.evaluate(() => (window as unknown as { longTasks: LongTask[] }).longTasks);
  const during = tasks.filter((task) => task.start + task.duration >= firstLine && task.start <= lastLine);
  const longest = during.reduce((max, task) => Math.max(max, task.duration), 0);
  const blocking = during.reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0);
  const seconds = (lastLine - firstLine) / 1000;
  const received = /([\d.]+ [KMG]?B) received/.exec(status)?.[1] ?? '?';
  const gaps = /(\d+) gaps? \(([^)]+) not shown\)/.exec(status);
  const skipped = /about ([\d.]+ [KMG]?B) skipped to keep up/.exec(status)?.[1];

  console.log(`window log render: ${mb(TOTAL_BYTES)} MB printed by a service, first line to last line on screen in ${seconds.toFixed(1)} s (${(TOTAL_BYTES / 1024 / 1024 / seconds).toFixed(1)} MB/s)`);
  console.log(
    `window log render: received ${received}; ${gaps ? `${gaps[1]} gap(s), ${gaps[2]} dropped by the agent for a window that fell behind` : 'no gaps'}; ${skipped ? `about ${skipped} skipped by the window to keep up` : 'nothing skipped by the window'}`,
  );
  console.log(`window log render: longest main-thread task ${longest.toFixed(0)} ms; ${during.length} long tasks (> 50 ms), total blocking time ${blocking.toFixed(0)} ms`);
  client.close();
  await context.close();
} finally {
  await browser.close();
  await agent.dispose();
}
