// Pay-for-me (找人代付, issue 16): A orders for delivery and makes a pay-for-me link with a
// note; B, a guest in a fresh context, opens the link, sees what and how much and A's note,
// never A's address or phone, and pays; A's open order shows it paid without a reload, and
// A's Me tab counts the notification. A second payer is told it is paid already. axe finds
// nothing on the link's page at 360 px.
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures.js';
import { signUp, yuan, api } from './helpers.js';

const PRODUCT = 3;
const ADDRESS = '杭州市西湖区文三路 100 号';
const PHONE = '138 0000 0000';

async function noViolations(page, what) {
  await expect(page.locator('main .skeleton')).toHaveCount(0);
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), what).toEqual([]);
}

test('A asks a friend to pay; B pays as a guest and sees no address; A is told; a second payer is refused', async ({ page, browser, request }) => {
  test.setTimeout(90_000);
  const product = await api(request, `/products/${PRODUCT}`);
  await page.addInitScript(() => {
    delete Navigator.prototype.share;
  });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await signUp(page, '代付小鹿', `/checkout?buy=${PRODUCT}`);
  await page.getByLabel('收货人').fill('鹿妈妈');
  await page.getByLabel('手机号').fill(PHONE);
  await page.getByLabel('收货地址').fill(ADDRESS);
  await page.getByRole('button', { name: '提交订单' }).click();
  await expect(page).toHaveURL(/\/me\/orders\/\d+$/);
  const orderUrl = page.url();

  // 找人代付: a note, then the link, shared like any page.
  await page.getByLabel('给朋友的留言（选填）').fill('妈，帮我付一下这个背带 ❤');
  await page.getByRole('button', { name: '生成代付链接' }).click();
  await expect(page.getByText('代付链接已生成，等待好友付款。')).toBeVisible();
  await page.getByRole('button', { name: '发给好友代付' }).click();
  const link = await page.locator('#share-link').inputValue();
  expect(link).toMatch(/\/pay\/[A-Za-z0-9_-]{24}(\?ref=[0-9A-Z]{8})?$/);

  // B, a guest with nothing of A's, opens it at 360 px.
  const contextB = await browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 780 } });
  const b = await contextB.newPage();
  await b.goto(link);
  await expect(b.getByRole('heading', { level: 1, name: '代付小鹿 请你帮忙付款' })).toBeVisible();
  await expect(b.getByText('妈，帮我付一下这个背带 ❤')).toBeVisible();
  await expect(b.locator('.pay-link-total')).toHaveText(yuan(product.solo_price));
  await expect(b.getByText(`${product.title} × 1`)).toBeVisible();
  const shown = await b.locator('main').innerText();
  for (const secret of ['文三路', '138', '鹿妈妈']) expect(shown).not.toContain(secret);
  const html = await b.content();
  for (const secret of ['文三路', '13800000000', '鹿妈妈']) expect(html).not.toContain(secret);
  await noViolations(b, 'the pay-for-me page');
  await b.screenshot({ path: '../target/e2e-results/pay-link-360.png', fullPage: true });
  await b.getByRole('button', { name: '帮 TA 付款' }).click();
  await expect(b.getByText('已付款，谢谢你的心意！')).toBeVisible();

  // A's open order follows without a reload, and the Me tab counts the news.
  await expect(page.locator('.order-status')).toHaveText('待发货', { timeout: 15_000 });
  await expect(page.getByText('好友已为你付款。')).toBeVisible();
  const me = page.locator('.tab-bar').getByRole('link', { name: /我的.*1 条未读通知/ });
  await expect(me).toBeVisible();
  await me.click();
  await page.getByRole('link', { name: /消息通知/ }).click();
  await expect(page.getByText(`好友已为你代付 ${yuan(product.solo_price)}：${product.title}。`)).toBeVisible();
  await noViolations(page, 'the notifications page');
  await expect(page.locator('.tab-bar .badge')).toHaveCount(0);

  // C, another friend, comes late: the page says it is paid, and paying is refused.
  const contextC = await browser.newContext({ locale: 'zh-CN' });
  const c = await contextC.newPage();
  await c.goto(link);
  await expect(c.getByText('已付款，谢谢你的心意！')).toBeVisible();
  await expect(c.getByRole('button', { name: '帮 TA 付款' })).toHaveCount(0);
  const token = new URL(link).pathname.split('/').pop();
  const again = await contextC.request.post(`/api/v1/pay-links/${token}/pay`, {
    data: { outcome: 'approve' },
    headers: { Origin: new URL(process.env.BASE_URL).origin, 'Idempotency-Key': crypto.randomUUID() },
  });
  expect(again.status()).toBe(409);
  expect((await again.json()).error.code).toBe('already_paid');
  await page.goto(orderUrl);
  await expect(page.locator('.order-status')).toHaveText('待发货');
  await contextB.close();
  await contextC.close();
});
