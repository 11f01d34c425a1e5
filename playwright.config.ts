import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

// Debian's chromium where it exists (Playwright's own browser download cannot run on the dev boxes and CI);
// elsewhere, e.g. on the Windows runner, Playwright's own Chromium.
const debianChromium = '/usr/bin/chromium';

export default defineConfig({
  forbidOnly: Boolean(process.env['CI']),
  workers: 1,
  reporter: [['list'], ['json', { outputFile: '.tmp/reports/playwright.json' }]],
  projects: [
    {
      name: 'e2e',
      // The window's end-to-end specs, and the browser attacks of test/security.
      testDir: 'test',
      testMatch: ['e2e/**/*.spec.ts', 'security/**/*.spec.ts'],
      // Most tests start a real agent and a browser context of their own; on a loaded machine that alone can take 20 s.
      timeout: 90_000,
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: existsSync(debianChromium) ? debianChromium : undefined,
          // The machine's network is closed: background traffic only produces refused connections and noise.
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
    { name: 'electron', testDir: 'test/electron' },
  ],
});
