// Shared by the journeys: money as the app shows it, and the API as the app sees it.

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
