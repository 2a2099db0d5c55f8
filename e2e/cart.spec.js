import { test, expect } from './fixtures.js';
import { api, signUp, yuan } from './helpers.js';

test('a guest fills a cart, signs up, and the cart comes along to checkout and payment', async ({ page, request }) => {
  const product = await api(request, '/products/24');
  await page.goto('/p/24');
  await page.getByRole('button', { name: /加入购物车/ }).click();
  await expect(page.getByRole('status').filter({ hasText: '已加入购物车' })).toBeVisible();
  await page.getByRole('button', { name: /加入购物车/ }).click();
  const cartLink = page.getByRole('link', { name: /购物车 \(2\)/ });
  await expect(cartLink).toBeVisible();
  await page.reload();
  await expect(cartLink).toBeVisible();

  await cartLink.click();
  await expect(page.locator('.cart-line')).toHaveCount(1);
  await expect(page.locator('.cart-total')).toContainText(yuan({ amount: product.solo_price.amount * 2, currency: 'CNY' }));
  await signUp(page, undefined, '/checkout');
  await expect(page.locator('.checkout-summary')).toContainText(product.title);
  await expect(page.locator('.checkout-summary')).toContainText('× 2');

  // A delivery address that does not hold up is refused and nothing typed is lost.
  await page.getByLabel('收货人').fill('王小明');
  await page.getByLabel('手机号').fill('12');
  await page.getByLabel('收货地址').fill('杭州市西湖区文三路 1 号');
  await page.getByRole('button', { name: '提交订单' }).click();
  await expect(page.getByRole('alert')).toContainText('手机号');
  await expect(page.getByLabel('收货地址')).toHaveValue('杭州市西湖区文三路 1 号');
  await page.getByLabel('手机号').fill('13800138000');
  await page.getByRole('button', { name: '提交订单' }).click();
  await expect(page).toHaveURL(/\/me\/orders\/\d+$/);

  // The test provider declines: nothing is paid and the member may try again.
  await page.getByRole('button', { name: '付款失败' }).click();
  await expect(page.getByRole('alert')).toContainText('付款被拒绝');
  await expect(page.locator('.order-status')).toHaveText('待付款');
  await page.getByRole('button', { name: '付款成功' }).click();
  await expect(page.locator('.order-status')).toHaveText('待发货');
  await expect(page.getByRole('link', { name: /购物车 \(0\)/ })).toBeVisible();
  await page.goto('/me/orders');
  await expect(page.locator('.order-row').first()).toContainText('待发货');
});
