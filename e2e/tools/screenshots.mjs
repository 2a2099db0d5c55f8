// Screenshots of the main pages at phone and desktop width, for people to look at:
//   BASE_URL=http://127.0.0.1:8080 node tools/screenshots.mjs [out-dir]
// (with `cargo xtask serve` running). Not a test: it asserts nothing.
import { chromium } from '@playwright/test';

const base = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const out = process.argv[2] ?? '../target/screenshots';
const pages = [
  ['feed', '/'],
  ['feed-cycling', '/?community=cycling'],
  ['product', '/p/24'],
  ['post', '/posts/60'],
  ['community', '/c/coffee'],
  ['communities', '/communities'],
  ['product-group', '/p/18'],
  ['cart', '/cart'],
  ['not-found', '/p/999999'],
];
const sizes = [
  ['phone', { width: 360, height: 780 }],
  ['desktop', { width: 1280, height: 900 }],
];

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
for (const locale of ['zh-CN', 'en-US']) {
  for (const [size, viewport] of sizes) {
    const context = await browser.newContext({ viewport, locale, deviceScaleFactor: 1 });
    const page = await context.newPage();
    for (const [name, path] of pages) {
      await page.goto(base + path);
      await page.waitForSelector('.post-card, .product-page, .post-page, .community-card, .state', { timeout: 10000 });
      await page.waitForLoadState('networkidle');
      const file = `${out}/${name}-${size}-${locale}.png`;
      await page.screenshot({ path: file, fullPage: false });
      console.log(file);
    }
    await context.close();
  }
}
await browser.close();
