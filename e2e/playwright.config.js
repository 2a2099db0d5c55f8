// Journeys in Debian's headless Chromium against the real server and a real SQLite file.
// `cargo xtask test` starts the server on a free port and passes BASE_URL.
import { defineConfig } from '@playwright/test';

const baseURL = process.env.BASE_URL;
if (!baseURL) {
  throw new Error('BASE_URL is not set: run the journeys with `cargo xtask test`');
}

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.js',
  // Two cores: one worker per core keeps timings steady.
  workers: 2,
  retries: 0,
  forbidOnly: true,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: '../target/e2e-results',
  use: {
    baseURL,
    locale: 'zh-CN',
    viewport: { width: 360, height: 780 },
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
});
