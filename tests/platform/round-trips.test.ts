import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOpenAiKey } from '../developer/helpers';
import { stripeEvent } from '../fakes/stripe';
import { call, PASSWORD, registerUser, type TestUser } from '../helpers/api';
import { settled } from '../helpers/chat';
import {
  assertBudget,
  type Budget,
  describeWindow,
  measureRoundTrips,
  setLinkDelay,
  waitQuiet,
} from '../helpers/round-trips';
import { deliverPaypal, deliverStripe, paypalDelivery } from '../payments/helpers';

/**
 * Issue 13 §1: sequential Postgres round trips before the first byte of a hot path. The links
 * get a few milliseconds of delay so that a write started after the response (waitUntil)
 * cannot finish before the test marks the first byte.
 */
let user: TestUser;

beforeAll(async () => {
  // The files before this one leave work behind (the contract test's fuzzing starts
  // generation jobs whose queued steps run for a while): let it end first.
  await waitQuiet(100_000);
  user = await registerUser();
  await setLinkDelay(5);
}, 115_000);
afterAll(() => setLinkDelay(0));

async function expectBudget(route: string, request: () => Promise<Response>, budget: Budget) {
  const measured = await measureRoundTrips(request);
  expect(measured.response.status, await measured.response.clone().text()).toBeLessThan(500);
  if (process.env.ROUND_TRIPS_VERBOSE)
    console.log(`${route}\n${describeWindow(measured.firstByte)}`);
  assertBudget(route, measured, budget);
  return measured;
}

const authed = (path: string) => () => call(path, { token: user.accessToken, ip: user.ip });

describe('round-trip budgets: account', () => {
  it('GET /api/me ≤ 1, Postgres and Redis together (the revocation mark is read in parallel)', async () => {
    await expectBudget('GET /api/me', authed('/api/me'), { postgres: 1, total: 1 });
  });

  it('POST /api/auth/login ≤ 2 (success and failure)', async () => {
    await expectBudget(
      'POST /api/auth/login',
      () => call('/api/auth/login', { json: { email: user.email, password: PASSWORD } }),
      { postgres: 2 },
    );
    await expectBudget(
      'POST /api/auth/login (wrong password)',
      () => call('/api/auth/login', { json: { email: user.email, password: 'wrong-password-1' } }),
      { postgres: 2 },
    );
  });
});

/** The first API call(s) each site page makes (site/src/pages/*), each ≤ 1, Redis included. */
const FIRST_CALLS: Array<[page: string, path: string, anonymous?: boolean]> = [
  ['media', '/api/media/files?limit=48'],
  ['media', '/api/media/storage'],
  ['media', '/api/media/folders'],
  ['marketplace', '/api/product-categories?locale=en', true],
  ['marketplace', '/api/cart?locale=en'],
  ['orders', '/api/orders?page=1'],
  ['notifications', '/api/notifications'],
  ['prompts', '/api/prompts/categories'],
  ['generation', '/api/generation/providers'],
];

describe('round-trip budgets: first API call of each site page', () => {
  for (const [page, path, anonymous] of FIRST_CALLS) {
    it(`${page}: GET ${path} ≤ 1`, async () => {
      await expectBudget(
        `GET ${path} (${page} page)`,
        anonymous ? () => call(path) : authed(path),
        { postgres: 1, total: 1 },
      );
    });
  }
});

/** Chat send and /v1 completion ≤ 1 before the first token, 0 with a warm ChatSession. */
describe('round-trip budgets: chat, models, agents, usage (edge-chat)', () => {
  for (const [page, path] of [
    ['chat', '/api/conversations?limit=30'],
    ['chat', '/api/models'],
    ['agents', '/api/agents'],
    ['usage', '/api/usage?days=30'],
  ] as const) {
    it(`${page}: GET ${path} ≤ 1`, async () => {
      // The model registry is cached per isolate: the steady state is a warm cache.
      await (await authed(path)()).text();
      await expectBudget(`GET ${path} (${page} page)`, authed(path), { postgres: 1, total: 1 });
    });
  }
  /**
   * The conversation lives in its ChatSession object: the first send loads it (one parallel
   * round trip), later sends and their streams read nothing from Postgres before the reply
   * starts; the messages reach Postgres through the object's outbox right after.
   */
  it('chat send ≤ 1 before the first token, 0 when the ChatSession is warm (and its stream)', async () => {
    const created = await call('/api/conversations', {
      token: user.accessToken,
      ip: user.ip,
      json: {},
    });
    const { id } = (await created.json()) as { id: string };
    // The model registry is cached per isolate: the steady state is a warm cache.
    await (await authed('/api/models')()).text();
    const sendOnce = (content: string) =>
      call(`/api/conversations/${id}/messages`, {
        token: user.accessToken,
        ip: user.ip,
        json: { content, model: 'offline/offline-brief' },
      });
    for (const [content, budget] of [
      ['Hello', 1],
      ['Again', 0],
      ['Once more', 0],
    ] as const) {
      const measured = await expectBudget(
        `POST /api/conversations/:id/messages (${content})`,
        () => sendOnce(content),
        // One Redis call: the session's marks, the send's rate limit and the registry version.
        { postgres: budget, redis: 1 },
      );
      expect(measured.response.status).toBe(202);
      const started = (await measured.response.json()) as { streamUrl: string };
      const stream = await expectBudget(
        `GET ${started.streamUrl}`,
        () => call(started.streamUrl, { token: user.accessToken, ip: user.ip }),
        { postgres: 0 },
      );
      expect(await stream.response.text()).toContain('event: done');
    }
    // Everything reached Postgres, once: three user messages and three finished replies (the
    // last reply's row is written just after its `done` event, so wait until none streams).
    const body = await settled(user, id);
    expect(body.messages.filter((m) => m.role === 'user')).toHaveLength(3);
    expect(
      body.messages.filter((m) => m.role === 'assistant' && m.status === 'complete'),
    ).toHaveLength(3);
  });

  /**
   * A paid model (the user's own OpenAI key, served by the local fake): the send checks the
   * key and the quota before the reply starts. The key rows, the plan and the quota counters
   * are read together (one round trip) the first time, then come from the isolate's copies
   * and Redis: nothing from Postgres once the ChatSession is warm too.
   */
  it('paid model send ≤ 1 before the first token, 0 when keys, plan, counters and ChatSession are warm', async () => {
    const payer = await registerUser();
    await addOpenAiKey(payer);
    const created = await call('/api/conversations', {
      token: payer.accessToken,
      ip: payer.ip,
      json: {},
    });
    const { id } = (await created.json()) as { id: string };
    await (await call('/api/models', { token: payer.accessToken, ip: payer.ip })).text();
    const sendOnce = (content: string, model: string) =>
      call(`/api/conversations/${id}/messages`, {
        token: payer.accessToken,
        ip: payer.ip,
        json: { content, model },
      });
    // The conversation's object loads it on its first send (the offline budget above).
    const warmUp = await sendOnce('Warm the conversation', 'offline/offline-brief');
    const { streamUrl: warmStream } = (await warmUp.json()) as { streamUrl: string };
    await (await call(warmStream, { token: payer.accessToken, ip: payer.ip })).text();
    for (const [content, budget] of [
      ['Paid hello', 1],
      ['Paid again', 0],
    ] as const) {
      const measured = await expectBudget(
        `POST /api/conversations/:id/messages (openai, ${content})`,
        () => sendOnce(content, 'openai/gpt-4o-mini'),
        { postgres: budget },
      );
      expect(measured.response.status, await measured.response.clone().text()).toBe(202);
      const started = (await measured.response.json()) as { streamUrl: string };
      const stream = await call(started.streamUrl, { token: payer.accessToken, ip: payer.ip });
      const text = await stream.text();
      expect(text).toContain('event: done');
      expect(text).not.toContain('"status":"failed"');
    }
  });

  /**
   * The token record is cached per isolate (developer/token-auth.ts): the first call reads it
   * (one Postgres round trip), later ones read nothing from Postgres. Every call asks Redis
   * once: the token's revocation marks, the rate limit and the registry version in one
   * transaction. The last-used mark is written after the first byte.
   */
  it('POST /v1/chat/completions ≤ 1 Postgres round trip cold, 0 warm, and 1 Redis call', async () => {
    const { createApiToken } = await import('../developer/helpers');
    const { token } = await createApiToken(user);
    // The model registry is cached per isolate: the steady state is a warm cache.
    await (await authed('/api/models')()).text();
    const request = () =>
      call('/v1/chat/completions', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        json: {
          model: 'offline/offline-brief',
          stream: true,
          messages: [{ role: 'user', content: 'Hi' }],
        },
      });
    const cold = await expectBudget('POST /v1/chat/completions (token not cached)', request, {
      postgres: 1,
      redis: 1,
      total: 2,
    });
    expect(cold.response.status).toBe(200);
    expect(cold.firstByte.postgres.exchanges).toHaveLength(1);
    expect(cold.firstByte.postgres.exchanges[0]?.text.join(' ')).toMatch(/token_hash/);
    expect(await cold.response.text()).toContain('[DONE]');
    // The last-used mark followed the response (not before the first byte).
    expect(
      cold.complete.postgres.exchanges.some((e) => /update "api_tokens"/i.test(e.text.join(' '))),
    ).toBe(true);
    for (const turn of ['warm', 'warm again']) {
      const warm = await expectBudget(`POST /v1/chat/completions (${turn})`, request, {
        postgres: 0,
        redis: 1,
        total: 1,
      });
      expect(warm.response.status).toBe(200);
      expect(warm.firstByte.postgres.exchanges).toHaveLength(0);
      expect(await warm.response.text()).toContain('[DONE]');
    }
  });
});

describe('round-trip budgets: payment webhooks', () => {
  it('POST /api/webhooks/stripe ≤ 2', async () => {
    const event = stripeEvent('customer.created', { id: `cus_${randomUUID().slice(0, 8)}` });
    await expectBudget('POST /api/webhooks/stripe', () => deliverStripe(event), { postgres: 2 });
  });

  // A fulfilling event makes 14 sequential round trips today (begin, the event row, the order
  // read twice, each write of fulfilOrder and issueInvoice, commit): ≤ 2 needs the fulfilment
  // as one statement (or one SQL function). Flip to `it` when it lands.
  it.todo('POST /api/webhooks/stripe checkout.session.completed fulfilling a pending order ≤ 2');
  it.todo('POST /api/webhooks/paypal PAYMENT.CAPTURE.COMPLETED fulfilling a pending order ≤ 2');

  it('POST /api/webhooks/paypal ≤ 2', async () => {
    const delivery = await paypalDelivery('CUSTOMER.DISPUTE.CREATED', {
      id: `PP-${randomUUID().slice(0, 8)}`,
    });
    await expectBudget('POST /api/webhooks/paypal', () => deliverPaypal(delivery), { postgres: 2 });
  });
});
