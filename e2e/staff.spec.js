// The store's staff move paid orders on, and the shopper's order page follows: a pickup
// code with its QR code once the goods are at the point, completed when the clerk there
// takes the code; a parcel with its tracking number and 确认收货; a refund with the store's
// reason. (The staff's own pages come next: here their steps go through the staff API.)
import { test, expect } from './fixtures.js';
import { client, PICKUP } from './bench-client.mjs';

/** Signs a demo staff member in through the API; their session cookie. */
async function staff(api, email) {
  const { status, response } = await api.call('POST', '/api/v1/account/sign-in', { email, password: 'quanzi-demo' });
  expect(status).toBe(200);
  return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

/** A new shopper, signed in both for the API and in the page's browser context. */
async function shopper(api, context, baseURL) {
  const cookie = await api.member(`买家${Math.random().toString(36).slice(2, 6)}`);
  const [name, value] = cookie.split('; ')[0].split('=');
  await context.addCookies([{ name, value, url: baseURL }]);
  return cookie;
}

/** A paid order of one product 24; its id. */
async function paidOrder(api, cookie, fulfilment) {
  const order = await api.call('POST', '/api/v1/orders', {
    purchase: { kind: 'solo', lines: [{ product_id: 24, quantity: 1 }] }, fulfilment,
  }, cookie);
  expect(order.status).toBe(201);
  const paid = await api.call('POST', `/api/v1/orders/${order.json.id}/pay`, { outcome: 'approve' }, cookie);
  expect(paid.json.status).toBe('paid');
  return order.json.id;
}

test('a pickup order shows its code once ready, and is completed when the clerk takes it', async ({ page, context, baseURL }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  const api = client(baseURL);
  const buyer = await shopper(api, context, baseURL);
  const id = await paidOrder(api, buyer, PICKUP);
  await page.goto(`/me/orders/${id}`);
  await expect(page.locator('.order-status')).toHaveText('备货中');
  await expect(page.getByRole('heading', { name: '取货码' })).toHaveCount(0);

  const clerk = await staff(api, 'clerk@demo.quanzi');
  expect((await api.call('POST', `/api/v1/staff/orders/${id}/ready`, undefined, clerk)).status).toBe(200);
  await page.reload();
  await expect(page.locator('.order-status')).toHaveText('待自提');
  await expect(page.getByRole('heading', { name: '取货码' })).toBeVisible();
  const code = (await page.locator('.pickup-code-digits').textContent()).trim();
  expect(code).toMatch(/^[0-9]{6}$/);
  await expect(page.getByRole('img', { name: `取货码 ${code}` })).toBeVisible();
  await page.screenshot({ path: '../target/screenshots/order-pickup-code-360.png', fullPage: true });

  const handed = await api.call('POST', '/api/v1/staff/points/1/handover', { code }, clerk);
  expect(handed.status).toBe(200);
  const again = await api.call('POST', '/api/v1/staff/points/1/handover', { code }, clerk);
  expect(again.json.error.code).toBe('pickup_code_used');
  await page.reload();
  await expect(page.locator('.order-status')).toHaveText('已完成');
  await expect(page.locator('.pickup-code')).toHaveCount(0);
});

test('a shipped order shows its parcel and completes when its shopper confirms receipt', async ({ page, context, baseURL }) => {
  const api = client(baseURL);
  const buyer = await shopper(api, context, baseURL);
  const id = await paidOrder(api, buyer, { kind: 'delivery', name: '王小明', phone: '13800001111', address: '杭州市西湖区文三路 100 号' });
  await page.goto(`/me/orders/${id}`);
  await expect(page.locator('.order-status')).toHaveText('待发货');

  const owner = await staff(api, 'owner@demo.quanzi');
  const shipped = await api.call('POST', `/api/v1/staff/orders/${id}/ship`, { carrier: 'sf', tracking_number: 'SF1234567890' }, owner);
  expect(shipped.status).toBe(200);
  await page.reload();
  await expect(page.locator('.order-status')).toHaveText('已发货');
  await expect(page.locator('.shipment')).toContainText('顺丰速运');
  await expect(page.locator('.shipment')).toContainText('SF1234567890');
  await expect(page.locator('.shipment')).toContainText('自动确认收货');
  await page.getByRole('button', { name: '确认收货' }).click();
  await expect(page.locator('.order-status')).toHaveText('已完成');
  await expect(page.getByRole('button', { name: '确认收货' })).toHaveCount(0);
});

test('a refunded order says so, with the store\'s reason', async ({ page, context, baseURL }) => {
  const api = client(baseURL);
  const buyer = await shopper(api, context, baseURL);
  const id = await paidOrder(api, buyer, PICKUP);
  const member = await api.member('不是店员');
  const refused = await api.call('POST', `/api/v1/staff/orders/${id}/refund`, { reason: '想退' }, member);
  expect(refused.status).toBe(403);
  const owner = await staff(api, 'owner@demo.quanzi');
  const refunded = await api.call('POST', `/api/v1/staff/orders/${id}/refund`, { reason: '仓库缺货，抱歉' }, owner);
  expect(refunded.status).toBe(200);
  await page.goto(`/me/orders/${id}`);
  await expect(page.locator('.order-status')).toHaveText('已退款');
  await expect(page.getByText('退款原因：仓库缺货，抱歉')).toBeVisible();
});
