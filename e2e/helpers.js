// Shared by the journeys: money as the app shows it, the API as the app sees it, and QR
// codes read back from the pictures the app shows.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import jsQR from 'jsqr';
import { PICKUP } from './bench-client.mjs';

export { PICKUP };

/** One of the demo store's post pictures, as a file to upload. */
export const photo = (name) => path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'public', 'img', 'posts', name);

/** ¥19.90 from {amount: 1990, currency: 'CNY'} — the app's own format. */
export function yuan(money) {
  const abs = Math.abs(money.amount);
  const text = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return `${money.amount < 0 ? '-' : ''}¥${text}`;
}

/** GETs a JSON resource of the real server. */
export async function api(request, path, lang = 'zh-CN') {
  const response = await request.get(`/api/v1${path}`, { headers: { 'Accept-Language': lang } });
  if (!response.ok()) throw new Error(`${path}: HTTP ${response.status()}`);
  return response.json();
}

/** The first product of the demo store that has a group offer. */
export async function productWithGroupOffer(request) {
  for (let id = 1; id <= 30; id += 1) {
    const product = await api(request, `/products/${id}`);
    if (product.group_offer) return product;
  }
  throw new Error('the demo store has no product with a group offer');
}

/** A fresh member: signs up through the app's own form and returns their details. */
export async function signUp(page, name = `测试${Math.random().toString(36).slice(2, 7)}`, next = '/') {
  const email = `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const password = 'correct horse battery';
  await page.goto(`/sign-up?next=${encodeURIComponent(next)}`);
  await page.getByLabel('昵称').fill(name);
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel(/密码/).fill(password);
  await page.getByRole('button', { name: '注册' }).click();
  await page.waitForURL((url) => url.pathname + url.search === next);
  return { name, email, password };
}

/** Signs in through the app's form. */
export async function signIn(page, email, password, next = '/') {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel(/密码/).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => url.pathname + url.search === next);
}

/** Serves the shell of `path` without its first data (as when the app asks another
 * backend), so the page asks the API for everything: for journeys that stand in for it. */
export async function withoutFirstData(page, path) {
  await page.route((url) => url.pathname === path.split('?')[0], async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace(/<script type="application\/json" data-api=[^>]*>.*?<\/script>/gs, '');
    await route.fulfill({ response, body });
  });
}

/** A group of `productId` open for joining, started and paid for through the API by a
 * fresh member in a context of their own; its id. */
export async function openGroup(browser, productId) {
  const context = await browser.newContext();
  const origin = new URL(process.env.BASE_URL).origin;
  const post = async (path, data) => {
    const response = await context.request.post(`/api/v1${path}`, {
      data, headers: { Origin: origin, 'Idempotency-Key': crypto.randomUUID() },
    });
    if (!response.ok()) throw new Error(`${path}: HTTP ${response.status()}`);
    return response.json();
  };
  const email = `leader-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  await post('/account/sign-up', { name: '团长', email, password: 'correct horse battery' });
  const order = await post('/orders', {
    purchase: { kind: 'start_group', product_id: productId },
    fulfilment: PICKUP,
  });
  const paid = await post(`/orders/${order.id}/pay`, { outcome: 'approve' });
  await context.close();
  if (!paid.group_id) throw new Error(`the paid start of product ${productId} has no group`);
  return paid.group_id;
}

/** What the QR code in a picture (`img`, a locator) says, decoded from its pixels; of the
 * part `crop` (`{ x, y, width, height }` in the picture's own pixels) when given. */
export async function readQr(img, crop) {
  await expect(img).toBeVisible();
  const { width, height, data } = await img.evaluate(async (element, part) => {
    await element.decode();
    const area = part ?? { x: 0, y: 0, width: element.naturalWidth, height: element.naturalHeight };
    const canvas = document.createElement('canvas');
    canvas.width = area.width;
    canvas.height = area.height;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(element, area.x, area.y, area.width, area.height, 0, 0, area.width, area.height);
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
    return { width: pixels.width, height: pixels.height, data: Array.from(pixels.data) };
  }, crop);
  return jsQR(Uint8ClampedArray.from(data), width, height)?.data;
}

/** At checkout: pickup at the first point with a contact, and 提交订单 tapped (the
 * server may still refuse it). */
export async function submitForPickup(page) {
  await page.getByLabel('到店自提').check();
  await page.locator('.pickup-point input').first().check();
  await page.getByLabel('联系人').fill('小鹿');
  await page.getByLabel('手机号').fill('139 1234 5678');
  await page.getByRole('button', { name: '提交订单' }).click();
}

/** At checkout: pickup at the first point with a contact, and the order placed; its id
 * (the page is on the order, not paid yet). */
export async function placeForPickup(page) {
  await submitForPickup(page);
  await expect(page).toHaveURL(/\/me\/orders\/\d+$/);
  return Number(new URL(page.url()).pathname.split('/').pop());
}
