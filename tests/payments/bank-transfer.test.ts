import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAdmin, waitForMail } from '../helpers/accounts';
import { call, expectProblem, json, registerUser, type TestUser } from '../helpers/api';
import {
  buyerWith,
  catalog,
  checkoutCall,
  checkoutOk,
  type OrderBody,
  orderFootprint,
  pdfText,
  query,
  readOrder,
} from './helpers';

let admin: TestUser;
let products: Awaited<ReturnType<typeof catalog>>;
beforeAll(async () => {
  admin = await createAdmin();
  products = await catalog(admin);
});

function confirm(orderId: string, token = admin.accessToken): Promise<Response> {
  return call(`/api/admin/orders/${orderId}/confirm-transfer`, { method: 'POST', token });
}

async function confirmOk(orderId: string): Promise<OrderBody> {
  const res = await confirm(orderId);
  expect(res.status, await res.clone().text()).toBe(200);
  return json<OrderBody>(res);
}

describe('bank transfer: checkout to invoice', () => {
  let user: TestUser;
  let order: OrderBody;
  beforeAll(async () => {
    user = await buyerWith([
      [products.ebook, 1],
      [products.mug, 1],
    ]);
    order = (await checkoutOk(user, 'bank_transfer')).order;
  });

  it('e-mails the payee details and the reference', async () => {
    const mail = await waitForMail(user.email, /virement|transfer/i);
    expect(mail.text_body).toContain(order.bankReference ?? 'missing');
    expect(mail.text_body).toContain('FR76 3000 6000 0112 3456 7890 189');
    expect(mail.text_body).toContain('WeBox Test SAS');
  });

  it('lets only an administrator confirm the transfer', async () => {
    await expectProblem(await confirm(order.id, user.accessToken), 403, 'FORBIDDEN');
    await expectProblem(
      await call(`/api/admin/orders/${order.id}/confirm-transfer`, { method: 'POST' }),
      401,
      'UNAUTHORIZED',
    );
    await expectProblem(await confirm(randomUUID()), 404, 'NOT_FOUND');
    expect((await orderFootprint(order.id)).status).toBe('pending');
  });

  it('fulfils the order once confirmed, and a second confirmation is refused', async () => {
    const confirmed = await confirmOk(order.id);
    expect(confirmed.status).toBe('fulfilled');
    expect(confirmed.history.map((h) => h.toStatus)).toEqual(['pending', 'paid', 'fulfilled']);
    expect(confirmed.history[1]?.actor).toBe(`admin:${admin.id}`);
    expect(confirmed.instructions).toBeNull();
    expect(confirmed.invoices).toHaveLength(1);
    await expectProblem(await confirm(order.id), 409, 'CONFLICT');
    // A paid order is refunded by an administrator, not cancelled by its buyer.
    const cancel = await call(`/api/orders/${order.id}/cancel`, {
      method: 'POST',
      token: user.accessToken,
    });
    expect((await expectProblem(cancel, 409, 'CONFLICT')).detail).toMatch(/refund/);
    expect(await orderFootprint(order.id)).toMatchObject({
      paid_events: 1,
      invoices: 1,
      downloads: 1,
    });
  });

  it('serves the invoice PDF to its owner and admins, with the number, lines and accents', async () => {
    const read = await readOrder(user, order.id);
    const invoice = read.invoices[0];
    expect(invoice).toBeDefined();
    const res = await call(invoice?.pdfUrl ?? '', { token: user.accessToken });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain(invoice?.number);
    const { pages, title, text } = await pdfText(new Uint8Array(await res.arrayBuffer()));
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(title).toContain(invoice?.number);
    expect(text).toContain(invoice?.number);
    expect(text).toContain('FACTURE');
    // The buyer's name keeps its accents (WinAnsi): É, ï, é.
    expect(text).toContain('Éloïse Dupré');
    expect(text).toContain(order.bankReference ?? 'missing');
    expect(text).toMatch(/Virement bancaire/);
    // VAT per rate: 5,5 % for the e-book, 20 % for the mug and shipping.
    expect(text).toContain('5,5 %');
    expect(text).toContain('20 %');

    const asAdmin = await call(invoice?.pdfUrl ?? '', { token: admin.accessToken });
    expect(asAdmin.status).toBe(200);
  });

  it('hides the invoice from anyone else behind 404', async () => {
    const read = await readOrder(user, order.id);
    const url = read.invoices[0]?.pdfUrl ?? '';
    const stranger = await registerUser();
    await expectProblem(await call(url, { token: stranger.accessToken }), 404, 'NOT_FOUND');
    await expectProblem(await call(url), 401, 'UNAUTHORIZED');
    await expectProblem(
      await call(`/api/invoices/${randomUUID()}/pdf`, { token: user.accessToken }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call('/api/invoices/nope/pdf', { token: user.accessToken }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('keeps the invoice under its owner’s prefix in R2', async () => {
    const read = await readOrder(user, order.id);
    const invoice = read.invoices[0];
    const [row] = await query<{ r2_key: string }>(
      (db) => db`select r2_key from invoices where id = ${invoice?.id ?? ''}`,
    );
    expect(row?.r2_key).toBe(`invoices/${user.id}/${invoice?.id}.pdf`);
  });

  it('numbers invoices in one gapless sequence across orders', async () => {
    const orders: OrderBody[] = [];
    for (let i = 0; i < 3; i++) {
      const buyer = await buyerWith([[products.credits, 1]]);
      orders.push((await checkoutOk(buyer, 'bank_transfer')).order);
    }
    const numbers: string[] = [];
    for (const placed of orders)
      numbers.push((await confirmOk(placed.id)).invoices[0]?.number ?? '');
    const sequences = numbers.map((number) => Number(number.split('-')[1]));
    const year = new Date().getUTCFullYear();
    expect(numbers.every((number) => number.startsWith(`${year}-`))).toBe(true);
    expect(sequences[1]).toBe((sequences[0] ?? 0) + 1);
    expect(sequences[2]).toBe((sequences[0] ?? 0) + 2);
    const [max] = await query<{ last: number; max: number }>(
      (
        db,
      ) => db`select c.last, (select max(sequence)::int from invoices where year = ${year}) as max
                 from invoice_counters c where c.year = ${year}`,
    );
    expect(max?.last).toBe(max?.max);
  });

  it('refuses to confirm an order paid another way', async () => {
    const buyer = await buyerWith([[products.ebook, 1]]);
    const { order: card } = await checkoutOk(buyer, 'stripe');
    const problem = await expectProblem(await confirm(card.id), 409, 'CONFLICT');
    expect(problem.detail).toMatch(/not paid by bank transfer/);
  });
});

describe('bank transfer: reminders and expiry (cron)', () => {
  it('reminds once after three days and cancels after seven, giving stock back', async () => {
    const user = await buyerWith([[products.mug, 2]]);
    const { order } = await checkoutOk(user, 'bank_transfer');
    const stock = async () =>
      (
        await query<{ stock: number }>(
          (db) => db`select stock from products where id = ${products.mug.id}`,
        )
      )[0]?.stock;
    const before = await stock();
    await query(
      (db) =>
        db`update orders set created_at = now() - interval '4 days' where id = ${order.id} returning id`,
    );
    for (let run = 0; run < 2; run++) {
      expect((await call('/__scheduled?cron=*/15+*+*+*+*')).status).toBe(200);
    }
    await waitForMail(user.email, /Rappel|Reminder/);
    const reminders = (await readOrder(user, order.id)).history.filter(
      (h) => h.note === 'Transfer reminder sent',
    );
    expect(reminders).toHaveLength(1);

    await query(
      (db) =>
        db`update orders set expires_at = now() - interval '1 minute' where id = ${order.id} returning id`,
    );
    expect((await call('/__scheduled?cron=*/15+*+*+*+*')).status).toBe(200);
    const expired = await readOrder(user, order.id);
    expect(expired.status).toBe('cancelled');
    expect(expired.history.at(-1)).toMatchObject({ actor: 'cron', toStatus: 'cancelled' });
    expect(await stock()).toBe((before ?? 0) + 2);
    await waitForMail(user.email, /annulée|cancelled/);

    // The money turns up late: the admin can still confirm, and the order goes through.
    const late = await confirmOk(order.id);
    expect(late.status).toBe('fulfilled');
    expect(await stock()).toBe(before);
  });
});

describe('admin: order list and CSV export', () => {
  let tricky: OrderBody;
  beforeAll(async () => {
    const user = await buyerWith([[products.ebook, 1]]);
    const res = await checkoutCall(user, {
      paymentMethod: 'bank_transfer',
      billing: {
        name: '=HYPERLINK("http://evil"), "Bob"',
        email: `csv.${randomUUID()}@example.com`,
      },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    tricky = (await json<{ order: OrderBody }>(res)).order;
  });

  it('filters by status, search and dates, paged', async () => {
    const byEmail = await call(
      `/api/admin/orders?q=${encodeURIComponent(tricky.billing.email ?? '')}`,
      {
        token: admin.accessToken,
      },
    );
    expect(byEmail.status).toBe(200);
    const page = await json<{ items: Array<{ id: string; billingName: string }>; total: number }>(
      byEmail,
    );
    expect(page.items.map((item) => item.id)).toEqual([tricky.id]);
    const byRef = await json<{ items: Array<{ id: string }> }>(
      await call(`/api/admin/orders?q=${tricky.bankReference}`, { token: admin.accessToken }),
    );
    expect(byRef.items.map((item) => item.id)).toEqual([tricky.id]);
    const fulfilled = await json<{ items: Array<{ status: string }>; total: number }>(
      await call('/api/admin/orders?status=fulfilled&limit=100', { token: admin.accessToken }),
    );
    expect(fulfilled.items.every((item) => item.status === 'fulfilled')).toBe(true);
    const future = await json<{ total: number }>(
      await call('/api/admin/orders?from=2999-01-01', { token: admin.accessToken }),
    );
    expect(future.total).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    const bounded = await json<{ items: Array<{ id: string }> }>(
      await call(`/api/admin/orders?q=${tricky.bankReference}&from=${today}&to=${today}`, {
        token: admin.accessToken,
      }),
    );
    expect(bounded.items).toHaveLength(1);
    await expectProblem(
      await call('/api/admin/orders?status=lost', { token: admin.accessToken }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/admin/orders?from=yesterday', { token: admin.accessToken }),
      400,
      'VALIDATION_FAILED',
    );
    const someone = await registerUser();
    await expectProblem(
      await call('/api/admin/orders', { token: someone.accessToken }),
      403,
      'FORBIDDEN',
    );
  });

  it('exports CSV with RFC 4180 quoting and formulas neutralised', async () => {
    const res = await call(`/api/admin/orders.csv?q=${tricky.bankReference}`, {
      token: admin.accessToken,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(
      /attachment; filename="orders-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const text = await res.text();
    const [header, row, end] = text.split('\r\n');
    expect(header?.split(',').slice(0, 4)).toEqual([
      'id',
      'created_at',
      'status',
      'payment_method',
    ]);
    expect(end).toBe('');
    expect(row).toContain(`'=HYPERLINK(""http://evil""), ""Bob""`);
    expect(row?.startsWith(`${tricky.id},`)).toBe(true);
    expect(row).toContain(`,${(tricky.totalMinor / 100).toFixed(2)},`);
    const someone = await registerUser();
    await expectProblem(
      await call('/api/admin/orders.csv', { token: someone.accessToken }),
      403,
      'FORBIDDEN',
    );
  });
});
