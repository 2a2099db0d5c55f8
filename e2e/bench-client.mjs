// The JSON client the benchmarks share (bench.mjs, engines.mjs): one per server address.

/** Pickup at the first point, with the contact a pickup order takes. */
export const PICKUP = { kind: 'pickup', point_id: 1, name: '小鹿', phone: '13900001111' };

/** Requests, members and groups against the server at `base`. */
export function client(base) {
  /** A JSON request as a signed-in member (`cookie`), with an Idempotency-Key on writes. */
  async function call(method, path, body, cookie) {
    const headers = { 'Content-Type': 'application/json', Origin: base, 'Accept-Language': 'zh-CN' };
    if (cookie) headers.Cookie = cookie;
    if (method === 'POST' && path.startsWith('/api/v1/orders')) headers['Idempotency-Key'] = crypto.randomUUID();
    const response = await fetch(base + path, { method, headers, body: body && JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : null, response };
  }

  /** The session cookie an account answer set. */
  function session({ status, response }, what) {
    if (status !== 201 && status !== 200) throw new Error(`${what}: HTTP ${status}`);
    return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  }

  /** A new member, signed up; their session cookie. */
  async function member(name) {
    const email = `bench-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`;
    return session(await call('POST', '/api/v1/account/sign-up', { name, email, password: 'correct horse battery' }), 'sign-up');
  }

  /** An existing account (the demo store's staff), signed in; its session cookie. */
  async function signIn(email, password) {
    return session(await call('POST', '/api/v1/account/sign-in', { email, password }), 'sign-in');
  }

  /** A group of product `productId` started and paid for by `leader`; its id. */
  async function openGroup(leader, productId) {
    const order = await call('POST', '/api/v1/orders', { purchase: { kind: 'start_group', product_id: productId }, fulfilment: PICKUP }, leader);
    if (order.status !== 201) throw new Error(`start group: HTTP ${order.status} ${JSON.stringify(order.json)}`);
    const paid = await call('POST', `/api/v1/orders/${order.json.id}/pay`, { outcome: 'approve' }, leader);
    if (!paid.json?.group_id) throw new Error(`pay: HTTP ${paid.status} ${JSON.stringify(paid.json)}`);
    return paid.json.group_id;
  }

  return { base, call, member, signIn, openGroup };
}

/** Requests per second for one path, `total` of them with `concurrency` in flight, spread
 *  over the servers at `bases` in turn. */
export async function throughput(bases, path, total, concurrency) {
  let next = 0;
  let failures = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const base = bases[next % bases.length];
      next += 1;
      const response = await fetch(base + path, { headers: { 'Accept-Encoding': 'br' } });
      if (!response.ok) failures += 1;
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { rps: total / seconds, failures };
}

/** Joins of `groups` (two seats each wanted, by `joiners` members in turn, one request in
 *  flight per member, on the servers in turn); joins per second and what they got. */
export async function joinRate(clients, joiners, groups) {
  const joins = groups.flatMap((group) => [group, group]);
  let taken = 0;
  let refused = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(joiners.map(async (cookie, worker) => {
    for (let i = worker; i < joins.length; i += joiners.length) {
      const { call } = clients[i % clients.length];
      const { status } = await call('POST', '/api/v1/orders', { purchase: { kind: 'join_group', group_id: joins[i] }, fulfilment: PICKUP }, cookie);
      if (status === 201) taken += 1;
      else if (status === 409) refused += 1;
      else failed += 1;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  return { rate: joins.length / seconds, taken, refused, failed };
}
