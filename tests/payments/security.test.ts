import { beforeAll, describe, expect, it } from 'vitest';
import { stripeEvent } from '../fakes/stripe';
import { createAdmin } from '../helpers/accounts';
import { call, expectProblem, json, registerUser, type TestUser } from '../helpers/api';
import {
  BILLING,
  buyerWith,
  catalog,
  checkoutCall,
  checkoutOk,
  deliverStripe,
  payStripeSession,
  readOrder,
  sessionIdOf,
} from './helpers';

let admin: TestUser;
let products: Awaited<ReturnType<typeof catalog>>;
beforeAll(async () => {
  admin = await createAdmin();
  products = await catalog(admin);
});

describe('payments: security', () => {
  it('refuses forged Stripe signatures and fulfils a replayed event once', async () => {
    const user = await buyerWith([[products.ebook, 1]]);
    const { order } = await checkoutOk(user, 'stripe');
    const { session } = await payStripeSession(await sessionIdOf(order.id));
    const event = stripeEvent('checkout.session.completed', session);
    for (const options of [
      { signature: null },
      { signature: 't=1,v1=deadbeef' },
      { secret: 'whsec_not_the_secret' },
      // A real signature from long ago: a captured request replayed later.
      { timestamp: Math.floor(Date.now() / 1000) - 3600 },
    ]) {
      const res = await deliverStripe(event, options);
      expect([400, 401], await res.clone().text()).toContain(res.status);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect((await readOrder(user, order.id)).status).toBe('pending');
    const first = await deliverStripe(event);
    expect(first.status, await first.clone().text()).toBe(200);
    const again = await deliverStripe(event);
    expect(again.status).toBe(200);
    expect(await json<{ duplicate: boolean }>(again)).toMatchObject({ duplicate: true });
    expect((await readOrder(user, order.id)).status).not.toBe('pending');
  });

  it('charges the catalogue price whatever the client sends', async () => {
    const user = await buyerWith([[products.ebook, 1]]);
    const res = await checkoutCall(user, {
      paymentMethod: 'bank_transfer',
      billing: BILLING,
      totalMinor: 1,
      items: [{ productId: products.ebook.id, unitPriceMinor: 1 }],
    });
    // Either the extra fields are refused, or they are ignored and the real price is charged.
    if (res.status === 201) {
      const { order } = await json<{ order: { totalMinor: number } }>(res);
      expect(order.totalMinor).toBe(products.ebook.priceMinor);
    } else {
      await expectProblem(res, 400, 'VALIDATION_FAILED');
    }
  });

  it("refuses another user's cancel with a 404 and a user's transfer confirmation with a 403", async () => {
    const buyer = await buyerWith([[products.ebook, 1]]);
    const { order } = await checkoutOk(buyer, 'bank_transfer');
    const intruder = await registerUser();
    await expectProblem(
      await call(`/api/orders/${order.id}/cancel`, { method: 'POST', token: intruder.accessToken }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call(`/api/admin/orders/${order.id}/confirm-transfer`, {
        method: 'POST',
        token: intruder.accessToken,
      }),
      403,
      'FORBIDDEN',
    );
    expect((await readOrder(buyer, order.id)).status).toBe('pending');
  });
});
