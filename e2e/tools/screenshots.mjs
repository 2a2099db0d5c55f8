// Screenshots of the main pages at phone and desktop width, for people to look at:
//   BASE_URL=http://127.0.0.1:8080 node tools/screenshots.mjs [out-dir]
// (with `cargo xtask serve` running). Not a test: it asserts nothing. The last set is the
// store embedded in a phone app with a notch: the safe-area insets are set through the
// DevTools protocol and drawn as hatched bars, so a look shows whether anything is under them.
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
// Embedded in a host app on a phone with a notch (portrait) and sideways (landscape).
const notches = [
  ['portrait', { width: 360, height: 740 }, { top: 47, bottom: 34, left: 0, right: 0 }],
  ['landscape', { width: 740, height: 360 }, { top: 0, bottom: 21, left: 47, right: 47 }],
];
const embedded = [
  ['product', '/p/18?embed=1'],
  ['product-themed', '/p/18?embed=1&theme=accent:0a7d5a,background:101418'],
  ['community', '/c/cycling?embed=1&theme=accent:d63a30'],
  ['cart', '/cart?embed=1'],
];
for (const [shape, viewport, insets] of notches) {
  // The hatching is injected by this script, so the page's CSP must let it in.
  const context = await browser.newContext({ viewport, locale: 'zh-CN', isMobile: true, hasTouch: true, bypassCSP: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const max = Object.fromEntries(Object.entries(insets).map(([k, v]) => [`${k}Max`, v]));
  await cdp.send('Emulation.setSafeAreaInsetsOverride', { insets: { ...insets, ...max } });
  await page.goto(`${base}/p/18?embed=1`);
  await page.getByRole('button', { name: '加入购物车' }).click();
  for (const [name, path] of embedded) {
    await page.goto(base + path);
    await page.waitForSelector('.post-card, .product-page, .community-header, .cart-line, .state', { timeout: 10000 });
    await page.waitForLoadState('networkidle');
    await page.addStyleTag({
      content: `.notch-mark { position: fixed; z-index: 99; pointer-events: none;
        background: repeating-linear-gradient(45deg, rgba(0,0,0,.55) 0 6px, rgba(0,0,0,.25) 6px 12px); }`,
    });
    await page.evaluate((insets) => {
      for (const [side, size] of Object.entries(insets)) {
        if (!size) continue;
        const mark = document.createElement('div');
        mark.className = 'notch-mark';
        const across = side === 'top' || side === 'bottom';
        Object.assign(mark.style, { [side]: '0', [across ? 'left' : 'top']: '0',
          [across ? 'right' : 'bottom']: '0', [across ? 'height' : 'width']: `${size}px` });
        document.body.append(mark);
      }
    }, insets);
    const file = `${out}/embedded-${name}-${shape}.png`;
    await page.screenshot({ path: file });
    // And scrolled to the end, where the last content meets the bottom inset.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.screenshot({ path: file.replace('.png', '-end.png') });
    console.log(file);
  }
  await context.close();
}
await browser.close();
