// Lottery groups (抽奖团, issue 16): the owner makes a product's offer a lottery with one
// winner in the console's editor at 1280 px; a leader opens a group; a member at 360 px
// sees its committed hash, joins and pays; the group fills and draws: the revealed seed
// hashes to the committed one, the tickets follow from it, the winner's order is paid and
// the other's refunded in full. axe finds nothing on the drawn group's page.
import { createHash } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures.js';
import { client, PICKUP } from './bench-client.mjs';
import { placeForPickup, signIn, signUp, submitForPickup } from './helpers.js';

const PRODUCT = 27;

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

test('a lottery group fills, draws from its committed seed, pays the winner and refunds the other', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const bench = client(process.env.BASE_URL);

  // The console's editor: 拼团类型 → 抽奖团, one winner.
  const ownerContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const owner = await ownerContext.newPage();
  await signIn(owner, 'owner@demo.quanzi', 'quanzi-demo', '/staff');
  await owner.getByText('商品', { exact: true }).click();
  const title = (await bench.call('GET', `/api/v1/products/${PRODUCT}`)).json.title;
  const row = owner.locator('.staff-product', { hasText: title });
  await row.getByRole('button', { name: '编辑' }).click();
  await row.getByLabel('拼团类型').selectOption('lottery');
  await row.getByLabel('每团中奖人数').fill('1');
  await row.getByRole('button', { name: '保存' }).click();
  await expect(row.getByLabel('拼团类型')).toHaveCount(0);
  const offer = (await bench.call('GET', `/api/v1/products/${PRODUCT}`)).json.group_offer;
  expect(offer.kind).toBe('lottery');
  expect(offer.lottery_winners).toBe(1);

  // A leader opens a group; a member sees the commitment and joins.
  const leader = await bench.member('团长');
  const start = await bench.call('POST', '/api/v1/orders', { purchase: { kind: 'start_group', product_id: PRODUCT }, fulfilment: PICKUP }, leader);
  const leaderOrder = start.json.id;
  const groupId = (await bench.call('POST', `/api/v1/orders/${leaderOrder}/pay`, { outcome: 'approve' }, leader)).json.group_id;
  await signUp(page, '抽奖的人', `/g/${groupId}`);
  await expect(page.getByRole('heading', { name: '公开开奖' })).toBeVisible();
  const hash = await page.locator('[data-proof="seed-hash"]').innerText();
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  await expect(page.locator('[data-proof="seed"]')).toHaveCount(0);
  await page.getByRole('link', { name: '参团' }).first().click();
  await expect(page).toHaveURL(new RegExp(`/checkout\\?join=${groupId}$`));
  const myOrder = await placeForPickup(page);
  await page.getByRole('button', { name: '付款成功' }).click();
  // Answered before leaving: a navigation would cancel the payment still in flight.
  await expect(page.locator('.test-payment')).toHaveCount(0);

  // Drawn: the seed is the one committed to, and the tickets follow from it.
  await page.goto(`/g/${groupId}`);
  const seed = await page.locator('[data-proof="seed"]').innerText();
  expect(sha256(seed)).toBe(hash);
  const tickets = page.locator('.lottery-tickets li');
  await expect(tickets).toHaveCount(2);
  const drawn = [];
  for (const li of await tickets.all()) {
    const member = Number(await li.getAttribute('data-member'));
    const ticket = await li.locator('.lottery-ticket').innerText();
    expect(ticket).toBe(sha256(`${seed}:${member}`));
    drawn.push({ member, ticket, won: (await li.getAttribute('class'))?.includes('won') ?? false });
  }
  expect(drawn[0].ticket < drawn[1].ticket).toBe(true);
  expect(drawn.map((d) => d.won)).toEqual([true, false]);
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => v.id)).toEqual([]);
  await page.screenshot({ path: '../target/e2e-results/lottery-360.png', fullPage: true });

  // The winner's order is paid; the other's is refunded in full.
  const mine = await page.evaluate(async (id) => (await fetch(`/api/v1/orders/${id}`)).json(), myOrder);
  const theirs = (await bench.call('GET', `/api/v1/orders/${leaderOrder}`, null, leader)).json;
  const statuses = [mine.status, theirs.status].sort();
  expect(statuses).toEqual(['paid', 'refunded']);
  const refunded = mine.status === 'refunded' ? mine : theirs;
  expect(refunded.payment).toBe('refunded');
  expect(refunded.note).toContain('抽奖');

  // Back to a standard offer, for the other journeys on this server.
  await row.getByRole('button', { name: '编辑' }).click();
  await row.getByLabel('拼团类型').selectOption('standard');
  await row.getByRole('button', { name: '保存' }).click();
  await expect(row.getByLabel('拼团类型')).toHaveCount(0);
  await ownerContext.close();
});

// New-member groups (老带新): a member who has paid for an order before is told at checkout
// why the group will not seat them, and nothing is ordered; a member who never paid joins
// the same group and fills it.
test('a new-member group tells a member who paid before why, and seats a new one', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const NEW_MEMBERS = 4;
  const bench = client(process.env.BASE_URL);
  const owner = await bench.signIn('owner@demo.quanzi', 'quanzi-demo');
  const editor = `/api/v1/staff/products/${NEW_MEMBERS}`;
  const setKind = async (kind) => {
    const { draft } = (await bench.call('GET', editor, null, owner)).json;
    draft.group_offer.kind = kind;
    expect((await bench.call('PUT', editor, draft, owner)).status).toBe(200);
  };
  await setKind('new_member');
  try {
    const groupId = await bench.openGroup(await bench.member('老会员团长'), NEW_MEMBERS);

    // A member with a paid order (bought alone) taps 参团.
    await signUp(page, '老顾客', '/checkout?buy=1');
    const first = await placeForPickup(page);
    await page.getByRole('button', { name: '付款成功' }).click();
    await expect(page.locator('.test-payment')).toHaveCount(0);
    await page.goto(`/g/${groupId}`);
    await expect(page.locator('#main .group-page')).toContainText('仅限从未付款的新会员参团');
    await page.getByRole('link', { name: '参团' }).first().click();
    await expect(page).toHaveURL(new RegExp(`/checkout\\?join=${groupId}$`));
    await submitForPickup(page);
    await expect(page.getByRole('alert')).toHaveText('这是新人团，只有从未付款下单的新会员可以参团。');
    await expect(page).toHaveURL(/\/checkout\?join=/);
    await page.screenshot({ path: '../target/e2e-results/new-member-refused-360.png', fullPage: true });
    const orders = await page.evaluate(async () => (await fetch('/api/v1/orders')).json());
    expect(orders.items.map((o) => o.id)).toEqual([first]);

    // A member who never paid takes the seat: the group succeeds.
    const newcomer = await browser.newContext({ locale: 'zh-CN' });
    const fresh = await newcomer.newPage();
    await signUp(fresh, '新会员', `/checkout?join=${groupId}`);
    await placeForPickup(fresh);
    await fresh.getByRole('button', { name: '付款成功' }).click();
    await expect(fresh.locator('.test-payment')).toHaveCount(0);
    await fresh.goto(`/g/${groupId}`);
    await expect(fresh.locator('#main .group-page')).toContainText('拼团成功');
    expect((await bench.call('GET', `/api/v1/groups/${groupId}`)).json.state).toBe('succeeded');
    await newcomer.close();
  } finally {
    await setKind('standard');
  }
});
