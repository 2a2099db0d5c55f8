// Flash sales (秒杀, issue 16): the owner schedules one in the console at 1280 px, starting
// in a few seconds; a member at 360 px sees the countdown to its start and asks to be
// reminded; the countdown reaches zero and buying becomes possible without a reload; the
// member buys at the flash price; the reminder arrives as a notification.
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures.js';
import { client } from './bench-client.mjs';
import { api, placeForPickup, signIn, signUp, yuan } from './helpers.js';

const PRODUCT = 13;

/** A `datetime-local` value (the browser's local time, to the second) `ms` from now. */
function localIn(ms) {
  const d = new Date(Date.now() + ms);
  const two = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

test('a flash sale counts down, opens without a reload, sells at its price and reminds who asked', async ({ page, browser, request }) => {
  test.setTimeout(120_000);
  const base = process.env.BASE_URL;
  const bench = client(base);
  const login = await bench.call('POST', '/api/v1/account/sign-in', { email: 'owner@demo.quanzi', password: 'quanzi-demo' });
  const ownerCookie = login.response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  // A rerun on the same server: the product's earlier sales are called off first.
  const earlier = (await bench.call('GET', '/api/v1/staff/flash-sales', null, ownerCookie)).json;
  for (const sale of earlier.filter((s) => s.sale.product_id === PRODUCT && !s.cancelled)) {
    await bench.call('DELETE', `/api/v1/staff/flash-sales/${sale.sale.id}`, null, ownerCookie);
  }
  const product = await api(request, `/products/${PRODUCT}`);
  const flashPrice = { amount: Math.floor(product.solo_price.amount / 2), currency: 'CNY' };

  // The member signs up first: what stands between scheduling and 提醒我 is only the product
  // page, however slow the machine.
  await signUp(page, '手快的人', '/');

  // The owner schedules it in the console.
  const ownerContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const owner = await ownerContext.newPage();
  await signIn(owner, 'owner@demo.quanzi', 'quanzi-demo', '/staff');
  await owner.getByText('秒杀活动', { exact: true }).click();
  await owner.locator('#flash-product').selectOption(String(PRODUCT));
  await owner.getByLabel('秒杀价（元）').fill((flashPrice.amount / 100).toFixed(2));
  await owner.getByLabel('开始时间').fill(localIn(30_000));
  await owner.getByLabel('结束时间').fill(localIn(3_600_000));
  await owner.getByLabel('秒杀数量').fill('5');
  await owner.getByLabel('每人限购').fill('1');
  await owner.getByRole('button', { name: '安排秒杀' }).click();
  await expect(owner.getByText('已安排')).toBeVisible();
  const row = owner.locator('.flash-row', { hasText: product.title }).filter({ hasText: '未开始' });
  await expect(row).toBeVisible();
  await owner.screenshot({ path: '../target/e2e-results/flash-console-1280.png', fullPage: true });

  // A member sees the countdown to the start and asks to be reminded.
  await page.goto(`/p/${PRODUCT}`);
  const panel = page.locator('.flash-sale');
  await expect(panel).toContainText(yuan(flashPrice));
  await expect(panel).toContainText('距开抢');
  await expect(panel.locator('time.countdown')).toHaveText(/^00:00:[0-3]\d$/);
  await page.getByRole('button', { name: '提醒我' }).click();
  await expect(page.getByRole('button', { name: '已设提醒 · 开抢时通知你' })).toHaveAttribute('aria-pressed', 'true');
  const { violations } = await new AxeBuilder({ page }).include('.flash-sale').analyze();
  expect(violations.map((v) => v.id)).toEqual([]);
  await page.screenshot({ path: '../target/e2e-results/flash-before-360.png', fullPage: true });

  // Zero: buying becomes possible on the same page, no reload.
  const url = page.url();
  const buy = page.getByRole('link', { name: '立即抢购' });
  await expect(buy).toBeVisible({ timeout: 45_000 });
  expect(page.url()).toBe(url);
  await expect(panel).toContainText('仅剩 5 件 · 每人限购 1 件');
  await expect(panel).toContainText('距结束');
  // A guest watching the sale sees the units go without reloading.
  const watcherContext = await browser.newContext({ locale: 'zh-CN' });
  const watcher = await watcherContext.newPage();
  await watcher.goto(`/p/${PRODUCT}`);
  const watched = watcher.locator('#main .flash-sale');
  await expect(watched).toContainText('仅剩 5 件');
  await buy.click();
  await expect(page).toHaveURL(new RegExp(`/checkout\\?flash=${PRODUCT}$`));
  await placeForPickup(page);
  await expect(page.locator('.cart-total strong')).toHaveText(yuan(flashPrice));
  await expect(watched).toContainText('仅剩 4 件', { timeout: 15_000 });
  await watcherContext.close();

  // The reminder came as a notification.
  await expect(page.locator('.tab-bar').getByRole('link', { name: /我的.*条未读通知/ })).toBeVisible({ timeout: 15_000 });
  await page.goto('/me/notifications');
  await expect(page.getByText(`你关注的秒杀开始了：${product.title}，快去抢购。`)).toBeVisible();
  await ownerContext.close();
});
