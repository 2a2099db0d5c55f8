// The store's staff on their own pages, and the shopper's order page following them: the
// clerk marks a pickup order ready on a 360 px screen, the shopper's page shows the code
// with its QR code, the clerk types it at the counter and the shopper's order is 已完成;
// the owner ships a delivery order with a tracking number and the shopper confirms
// receipt; the owner refunds another order and the shopper reads 已退款 with the reason.
// The owner lists a new product with a picture and a group offer and publishes it; a
// shopper finds it on its community page and buys it for pickup, and the clerk hands it
// over; taken off the shelf, its page says so and shows the community's other products.
// A member opening /staff is refused, a guest asked to sign in; axe finds nothing.
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures.js';
import { client, PICKUP } from './bench-client.mjs';
import { photo, placeForPickup } from './helpers.js';

const DELIVERY = { kind: 'delivery', name: '王小明', phone: '13800001111', address: '杭州市西湖区文三路 100 号' };

/** A context signed in with `cookie` (`name=value`). */
async function signedIn(browser, baseURL, cookie, viewport = { width: 360, height: 780 }) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const [name, value] = cookie.split('; ')[0].split('=');
  await context.addCookies([{ name, value, url: baseURL }]);
  return context;
}

/** A demo staff member's session cookie. */
async function staff(api, email) {
  const { status, response } = await api.call('POST', '/api/v1/account/sign-in', { email, password: 'quanzi-demo' });
  expect(status).toBe(200);
  return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
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

async function noViolations(page, what) {
  await expect(page.locator('main .skeleton')).toHaveCount(0);
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), what).toEqual([]);
}

/** The card of order `id` on the console. */
const card = (page, id) => page.locator('article.staff-order').filter({ has: page.getByRole('heading', { name: `订单 #${id}` }) });

test('a clerk readies a pickup order and hands it over for the code the shopper shows', async ({ browser, baseURL }) => {
  const api = client(baseURL);
  const buyer = await api.member(`买家${Math.random().toString(36).slice(2, 6)}`);
  const id = await paidOrder(api, buyer, PICKUP);
  const shopperContext = await signedIn(browser, baseURL, buyer);
  const shopper = await shopperContext.newPage();
  await shopper.goto(`/me/orders/${id}`);
  await expect(shopper.locator('.order-status')).toHaveText('备货中');

  const clerkContext = await signedIn(browser, baseURL, await staff(api, 'clerk@demo.quanzi'));
  const clerk = await clerkContext.newPage();
  await clerk.goto('/staff?shelf=to_hand_over');
  await expect(clerk.getByRole('heading', { level: 1, name: '店铺后台' })).toBeVisible();
  await expect(card(clerk, id)).toContainText('备货中');
  await noViolations(clerk, 'the console at 360 px');
  // A clerk neither ships nor refunds: the console offers neither.
  await expect(clerk.getByRole('button', { name: '退款' })).toHaveCount(0);
  await card(clerk, id).getByRole('button', { name: '货已到自提点' }).click();
  await expect(card(clerk, id)).toContainText('待自提');

  await shopper.reload();
  await expect(shopper.locator('.order-status')).toHaveText('待自提');
  const code = (await shopper.locator('.pickup-code-digits').textContent()).trim();
  expect(code).toMatch(/^[0-9]{6}$/);
  await expect(shopper.getByRole('img', { name: `取货码 ${code}` })).toBeVisible();
  await shopper.screenshot({ path: '../target/screenshots/order-pickup-code-360.png', fullPage: true });

  await clerk.getByRole('link', { name: '去自提点核销' }).click();
  await expect(clerk.getByRole('heading', { level: 1, name: '自提点核销' })).toBeVisible();
  // Debian's Chromium has no BarcodeDetector: the clerk types, and no scan button shows.
  await expect(clerk.getByRole('button', { name: '扫取货码' })).toHaveCount(0);
  await noViolations(clerk, 'the counter at 360 px');
  const field = clerk.getByLabel('取货码（6 位数字）');
  await field.fill('12345');
  await clerk.getByRole('button', { name: '核销并交付' }).click();
  await expect(clerk.getByRole('alert')).toHaveText('没有等待这个取货码的订单，请核对后重试。');
  await field.fill(code);
  await clerk.getByRole('button', { name: '核销并交付' }).click();
  await expect(clerk.getByRole('status').filter({ hasText: `订单 #${id} 已交付` })).toBeVisible();
  await clerk.screenshot({ path: '../target/screenshots/staff-counter-360.png', fullPage: true });
  await field.fill(code);
  await clerk.getByRole('button', { name: '核销并交付' }).click();
  await expect(clerk.getByRole('alert')).toHaveText('这个取货码的订单已经交付过了。');

  await shopper.reload();
  await expect(shopper.locator('.order-status')).toHaveText('已完成');
  await expect(shopper.locator('.pickup-code')).toHaveCount(0);
  await shopperContext.close();
  await clerkContext.close();
});

test('the owner ships a delivery order and the shopper confirms receipt', async ({ browser, baseURL }) => {
  const api = client(baseURL);
  const buyer = await api.member(`买家${Math.random().toString(36).slice(2, 6)}`);
  const id = await paidOrder(api, buyer, DELIVERY);
  const ownerContext = await signedIn(browser, baseURL, await staff(api, 'owner@demo.quanzi'), { width: 1280, height: 900 });
  const owner = await ownerContext.newPage();
  await owner.goto('/staff');
  await owner.getByLabel('订单号或手机号').fill(String(id));
  await owner.getByRole('button', { name: '搜索' }).click();
  await expect(owner).toHaveURL(new RegExp(`q=${id}`));
  await expect(owner.locator('article.staff-order')).toHaveCount(1);
  const order = card(owner, id);
  await order.getByLabel('快递公司').selectOption('zto');
  await order.getByLabel('运单号').fill('zt-1');
  await order.getByRole('button', { name: '发货' }).click();
  // Refused before anything is sent, and nothing typed is lost.
  await expect(order.getByLabel('运单号')).toHaveAttribute('aria-invalid', 'true');
  await expect(order.getByLabel('运单号')).toHaveValue('zt-1');
  await order.getByLabel('运单号').fill('ZT12345678');
  await order.getByRole('button', { name: '发货' }).click();
  await expect(order).toContainText('已发货');
  await expect(order).toContainText('中通快递 ZTO · ZT12345678');
  await noViolations(owner, 'the console at 1280 px');

  const shopperContext = await signedIn(browser, baseURL, buyer);
  const shopper = await shopperContext.newPage();
  await shopper.goto(`/me/orders/${id}`);
  await expect(shopper.locator('.order-status')).toHaveText('已发货');
  await expect(shopper.locator('.shipment')).toContainText('ZT12345678');
  await expect(shopper.locator('.shipment')).toContainText('自动确认收货');
  await shopper.getByRole('button', { name: '确认收货' }).click();
  await expect(shopper.locator('.order-status')).toHaveText('已完成');
  await expect(shopper.getByRole('button', { name: '确认收货' })).toHaveCount(0);

  // The audit log says who shipped it.
  await owner.reload();
  await owner.getByText('操作记录').click();
  await expect(owner.locator('.staff-audit-list').last()).toContainText(`order.ship · order:${id}`);
  await shopperContext.close();
  await ownerContext.close();
});

test('the owner refunds an order and the shopper reads why', async ({ browser, baseURL }) => {
  const api = client(baseURL);
  const buyer = await api.member(`买家${Math.random().toString(36).slice(2, 6)}`);
  const id = await paidOrder(api, buyer, PICKUP);
  const ownerContext = await signedIn(browser, baseURL, await staff(api, 'owner@demo.quanzi'));
  const owner = await ownerContext.newPage();
  await owner.goto(`/staff?q=${id}`);
  const order = card(owner, id);
  await order.getByRole('button', { name: '退款' }).click();
  await order.getByRole('button', { name: '确认全额退款' }).click();
  await expect(order.getByRole('alert')).toBeVisible();
  await order.getByLabel('退款原因（买家可见）').fill('仓库缺货，抱歉');
  await order.getByRole('button', { name: '确认全额退款' }).click();
  await expect(order).toContainText('已退款');
  await expect(order).toContainText('退款原因：仓库缺货，抱歉');

  const shopperContext = await signedIn(browser, baseURL, buyer);
  const shopper = await shopperContext.newPage();
  await shopper.goto(`/me/orders/${id}`);
  await expect(shopper.locator('.order-status')).toHaveText('已退款');
  await expect(shopper.getByText('退款原因：仓库缺货，抱歉')).toBeVisible();
  await shopperContext.close();
  await ownerContext.close();
});

test('the owner sees the open groups and makes a member the clerk of a point, then not', async ({ browser, baseURL }) => {
  const api = client(baseURL);
  const leader = await api.member('团长');
  const group = await api.openGroup(leader, 5);
  const ownerContext = await signedIn(browser, baseURL, await staff(api, 'owner@demo.quanzi'));
  const owner = await ownerContext.newPage();
  await owner.goto('/staff?shelf=finished');
  await owner.getByText('进行中的拼团').click();
  await expect(owner.locator(`a[href="/g/${group}"]`)).toBeVisible();

  const email = `clerk-${Date.now()}@example.test`;
  const { status } = await api.call('POST', '/api/v1/account/sign-up', { name: '新店员', email, password: 'correct horse battery' });
  expect(status).toBe(201);
  await owner.getByText('店铺成员').click();
  await expect(owner.locator('.staff-team-member')).toHaveCount(2);
  await owner.getByLabel('邮箱').fill('nobody@example.test');
  await owner.getByRole('button', { name: '保存' }).click();
  await expect(owner.getByRole('alert')).toHaveText('没有用这个邮箱登录的会员。');
  await owner.getByLabel('邮箱').fill(email);
  await owner.getByLabel('滨江星光大道自提点').check();
  await owner.getByRole('button', { name: '保存' }).click();
  const added = owner.locator('.staff-team-member').filter({ hasText: email });
  await expect(added).toContainText('店员 · 滨江星光大道自提点');
  await noViolations(owner, 'the console with its groups and staff open');
  await added.getByRole('button', { name: '移除' }).click();
  await expect(owner.locator('.staff-team-member')).toHaveCount(2);
  await ownerContext.close();
});

test('a member opening /staff is refused, and a guest is asked to sign in', async ({ page, browser, baseURL }) => {
  const api = client(baseURL);
  const requests = [];
  const memberContext = await signedIn(browser, baseURL, await api.member('路人'));
  const member = await memberContext.newPage();
  member.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/v1/staff')) requests.push(r.url()); });
  await member.goto('/staff');
  await expect(member.getByRole('heading', { level: 1, name: '店铺后台' })).toBeVisible();
  await expect(member.getByText('此页面仅限店铺员工使用。')).toBeVisible();
  await expect(member.getByRole('button', { name: '货已到自提点' })).toHaveCount(0);
  await member.goto('/staff/pickup');
  await expect(member.getByText('此页面仅限店铺员工使用。')).toBeVisible();
  expect(requests).toEqual([]);
  await memberContext.close();

  await page.goto('/staff/pickup');
  await expect(page.getByRole('link', { name: '登录' })).toHaveAttribute('href', /next=%2Fstaff%2Fpickup/);
});

test('the owner lists a product, a shopper finds it on its community page and buys it for pickup, the clerk hands it over', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const api = client(baseURL);
  const title = `婴儿遮阳帽 ${Date.now().toString(36)}`;
  const ownerContext = await signedIn(browser, baseURL, await staff(api, 'owner@demo.quanzi'), { width: 1280, height: 900 });
  const owner = await ownerContext.newPage();
  await owner.goto('/staff');
  await owner.getByText('商品', { exact: true }).click();
  await owner.getByRole('button', { name: '上新商品' }).click();
  const editor = owner.locator('form.product-editor');
  // A community no other journey counts the products of.
  await editor.getByLabel('所属圈子').selectOption('mothers');
  await editor.getByLabel('标题（中文）', { exact: true }).fill(title);
  await editor.getByLabel('标题（英文）', { exact: true }).fill('Baby sun hat');
  await editor.getByLabel('副标题（中文）').fill('宽檐防晒，透气不闷头');
  await editor.getByLabel('单买价（元）').fill('89');
  await editor.getByLabel('拼团价（元）').fill('99');
  await editor.getByLabel('库存').fill('5');
  await editor.locator('input[type=file]').first().setInputFiles(photo('3-1.jpg'));
  await expect(editor.locator('.editor-pictures img')).toHaveCount(1);
  await editor.getByRole('button', { name: '添加段落' }).click();
  await editor.getByLabel('段落（中文）').fill('夏天推车出门，宝宝的头也要遮阳。');
  await editor.getByLabel('段落（英文）').fill('Shade for the baby on summer walks.');
  // The server refuses a group price above the solo price; nothing typed is lost.
  await editor.getByRole('button', { name: '保存' }).click();
  await expect(editor.getByRole('alert')).toHaveText('拼团价要低于单买价。');
  await expect(editor.getByLabel('标题（中文）', { exact: true })).toHaveValue(title);
  await editor.getByLabel('拼团价（元）').fill('69.9');
  await editor.getByRole('button', { name: '保存' }).click();
  await expect(editor).toHaveCount(0);
  const row = owner.locator('.staff-product').filter({ hasText: title });
  await expect(row).toContainText('已下架');
  await noViolations(owner, 'the catalogue at 1280 px');
  await owner.screenshot({ path: '../target/screenshots/staff-catalogue-1280.png', fullPage: true });
  await row.getByRole('button', { name: '上架' }).click();
  await expect(row).toContainText('在售');

  // A shopper finds it on the community page, new on the shelf, and buys it for pickup.
  const buyer = await api.member(`买家${Math.random().toString(36).slice(2, 6)}`);
  const shopperContext = await signedIn(browser, baseURL, buyer);
  const shopper = await shopperContext.newPage();
  await shopper.goto('/c/mothers');
  const found = shopper.getByRole('region', { name: '成员推荐' }).locator('li').filter({ hasText: title });
  await expect(found).toContainText('新上架');
  await found.getByRole('link').click();
  await expect(shopper.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(shopper.locator('.story')).toContainText('夏天推车出门，宝宝的头也要遮阳。');
  await expect(shopper.getByRole('link', { name: /发起2人团/ })).toContainText('¥69.90');
  await shopper.getByRole('link', { name: /单独购买/ }).click();
  const id = await placeForPickup(shopper);
  await shopper.getByRole('button', { name: '付款成功' }).click();
  await expect(shopper.locator('.order-status')).toHaveText('备货中');

  // The clerk, on a phone, readies it; the shopper's page shows the code; the counter takes it.
  const clerkContext = await signedIn(browser, baseURL, await staff(api, 'clerk@demo.quanzi'));
  const clerk = await clerkContext.newPage();
  await clerk.goto(`/staff?q=${id}`);
  await card(clerk, id).getByRole('button', { name: '货已到自提点' }).click();
  await expect(card(clerk, id)).toContainText('待自提');
  await shopper.reload();
  const code = (await shopper.locator('.pickup-code-digits').textContent()).trim();
  await clerk.getByRole('link', { name: '去自提点核销' }).click();
  await clerk.getByLabel('取货码（6 位数字）').fill(code);
  await clerk.getByRole('button', { name: '核销并交付' }).click();
  await expect(clerk.getByRole('status')).toContainText(`订单 #${id} 已交付`);
  await shopper.reload();
  await expect(shopper.locator('.order-status')).toHaveText('已完成');

  // Off the shelf: the old link still opens, says so, and leads to the community's others.
  await row.getByRole('button', { name: '下架' }).click();
  await expect(row).toContainText('已下架');
  await shopper.goto(await row.getByRole('link', { name: title }).getAttribute('href'));
  await expect(shopper.locator('.product-buy [role=status]')).toHaveText('已下架：这件商品暂不出售');
  await expect(shopper.getByRole('link', { name: /单独购买/ })).toHaveCount(0);
  const others = shopper.getByRole('region', { name: '同圈子的其他好物' });
  await expect(others.locator('.product-card').first()).toBeVisible();
  await expect(others.locator('.product-card').filter({ hasText: title })).toHaveCount(0);
  await noViolations(shopper, 'an off-shelf product at 360 px');
  await shopper.screenshot({ path: '../target/screenshots/product-off-shelf-360.png', fullPage: true });
  await clerkContext.close();
  await shopperContext.close();
  await ownerContext.close();
});

test('where the browser reads QR codes, the clerk scans the shopper\'s code with the camera', async ({ browser, baseURL }) => {
  const api = client(baseURL);
  const buyer = await api.member(`买家${Math.random().toString(36).slice(2, 6)}`);
  const id = await paidOrder(api, buyer, PICKUP);
  const clerkCookie = await staff(api, 'clerk@demo.quanzi');
  const ready = await api.call('POST', `/api/v1/staff/orders/${id}/ready`, undefined, clerkCookie);
  expect(ready.status).toBe(200);
  const { json: order } = await api.call('GET', `/api/v1/orders/${id}`, undefined, buyer);
  // A browser with a QR reader and a camera (Chrome on Android, say): both stand-ins here,
  // the camera a blank canvas, the reader seeing the shopper's code.
  const clerkContext = await signedIn(browser, baseURL, clerkCookie);
  await clerkContext.addInitScript((code) => {
    window.BarcodeDetector = class {
      constructor(options) { this.formats = options.formats; }
      async detect() { return [{ format: 'qr_code', rawValue: code }]; }
    };
    const camera = async () => {
      const canvas = document.createElement('canvas');
      canvas.getContext('2d').fillRect(0, 0, canvas.width, canvas.height);
      return canvas.captureStream();
    };
    Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia: camera }, configurable: true });
  }, order.pickup_code);
  const clerk = await clerkContext.newPage();
  await clerk.goto('/staff/pickup');
  await clerk.getByRole('button', { name: '扫取货码' }).click();
  await expect(clerk.getByRole('status')).toContainText(`订单 #${id} 已交付`);
  await expect(clerk.getByRole('button', { name: '扫取货码' })).toBeVisible();
  const { json: after } = await api.call('GET', `/api/v1/orders/${id}`, undefined, buyer);
  expect(after.status).toBe('completed');
  await clerkContext.close();
});
