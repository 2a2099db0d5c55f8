// Every journey also fails on what a person would not see in a screenshot: an uncaught
// error, a wasm panic, or something the Content-Security-Policy blocked.
import { test as base, expect } from '@playwright/test';

export const test = base.extend({
  page: async ({ page }, use) => {
    const problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      const text = message.text();
      if (message.type() === 'error' && /Content Security Policy|panicked|RuntimeError|unreachable/.test(text)) {
        problems.push(`console: ${text}`);
      }
    });
    await use(page);
    expect(problems, 'errors in the page').toEqual([]);
  },
});

export { expect };
