import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertOrder } from '../commerce/helpers';
import { createAdmin, query } from '../helpers/accounts';
import { type CallOptions, call, json, registerUser, type TestUser } from '../helpers/api';
import { workerVar } from '../helpers/generation';
import {
  hostileBody,
  inBatches,
  type Op,
  type OpenApiDocument,
  operationsOf,
  sampleOf,
} from '../helpers/openapi';
import { providerKey } from '../helpers/profile';
import { pngImage } from '../media/helpers';

/**
 * The contract every operation of /api/openapi.json keeps, generated from the document:
 * a route is covered the day it is written. A parameterised user route with no fixture
 * below fails the test by name.
 */

/** Credentials in another scheme than Bearer. */
const BASIC = 'Basic YWRtaW46YWRtaW4=';
const FUZZ_RUNS = 12;
const FUZZ_SEED = 20261207;

let doc: OpenApiDocument;
let ops: Op[];
let owner: TestUser;
let intruder: TestUser;
let fuzzer: TestUser;
let admin: TestUser;
let apiToken: string;
const checks = { count: 0 };

/** One finding per broken route, so a failure names every route at once. */
type Findings = string[];

async function problemFinding(
  res: Response,
  label: string,
  status: number | number[],
  code?: string,
): Promise<string | null> {
  checks.count++;
  const text = await res.text();
  const allowed = Array.isArray(status) ? status : [status];
  if (!allowed.includes(res.status))
    return `${label}: ${res.status} (want ${allowed}) ${text.slice(0, 160)}`;
  if (!/^application\/problem\+json/.test(res.headers.get('content-type') ?? '')) {
    return `${label}: content-type ${res.headers.get('content-type')}`;
  }
  const body = JSON.parse(text) as { status?: number; code?: string };
  if (body.status !== res.status || typeof body.code !== 'string') {
    return `${label}: problem body without status/code ${text.slice(0, 160)}`;
  }
  if (code && body.code !== code) return `${label}: code ${body.code} (want ${code})`;
  return null;
}

const label = (op: Op, what: string) => `${op.method} ${op.path} ${what}`;

/** Fills path parameters: given values first, a random id otherwise. */
function urlOf(op: Op, params: Record<string, string> = {}): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? randomParam(name)),
  );
}

/**
 * Parameters that name shared data (a provider, a product in the caller's own cart or
 * wishlist, a part number) rather than a row: set semantics, so a random one may be a 2xx.
 */
const CALLER_PARAMS = new Set(['provider', 'productId', 'n']);

function randomParam(name: string): string {
  if (name === 'provider') return 'openai';
  if (name === 'n') return '1';
  if (name === 'model') return `no-such-model-${randomUUID().slice(0, 8)}`;
  if (name === 'slug') return `no-such-${randomUUID().slice(0, 8)}`;
  if (name === 'token') return randomUUID().replaceAll('-', '');
  return randomUUID();
}

/** A valid body for the operation, so a check reaches the handler past validation. */
function validBody(op: Op): unknown {
  return op.jsonBody ? sampleOf(doc, op.jsonBody) : undefined;
}

/**
 * Calls an operation with its required headers and query filled in, and a small body of
 * the declared type when it takes a non-JSON body, so a check reaches the code it aims at.
 */
function request(op: Op, options: CallOptions & { params?: Record<string, string> } = {}) {
  const { params, ...rest } = options;
  const headers: Record<string, string> = {};
  const search = new URLSearchParams();
  for (const p of op.operation.parameters ?? []) {
    const wanted = p.required || (p.in === 'query' && p.schema?.default === undefined);
    if (!wanted || !p.schema) continue;
    const value = String(sampleOf(doc, p.schema));
    if (p.in === 'header') headers[p.name] = p.name === 'idempotency-key' ? randomUUID() : value;
    if (p.in === 'query' && op.pathParams.length) search.set(p.name, value);
  }
  const raw = Object.keys(op.operation.requestBody?.content ?? {}).find((t) => !/json/.test(t));
  const body =
    raw && !op.jsonBody && rest.body === undefined && rest.json === undefined
      ? { body: raw.startsWith('image/') ? pngImage() : 'x', headers: { 'Content-Type': raw } }
      : {};
  const query = search.size ? `?${search}` : '';
  return call(urlOf(op, params) + query, {
    method: op.method,
    ...body,
    ...rest,
    headers: { ...headers, ...body.headers, ...rest.headers },
  });
}

function tokenFor(op: Op): string | undefined {
  if (op.access === 'admin') return admin.accessToken;
  if (op.access === 'api-token') return apiToken;
  if (op.access === 'user') return fuzzer.accessToken;
  return undefined;
}

async function signed(claims: Record<string, unknown>, expiresAt: number): Promise<string> {
  return new SignJWT({ role: 'user', sid: randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(owner.id)
    .setIssuer(workerVar('JWT_ISSUER'))
    .setAudience(workerVar('JWT_AUDIENCE'))
    .setIssuedAt(expiresAt - 900)
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(workerVar('JWT_SECRET')));
}

function unsignedToken(): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({
    sub: owner.id,
    role: 'admin',
    sid: randomUUID(),
    iss: workerVar('JWT_ISSUER'),
    aud: workerVar('JWT_AUDIENCE'),
    iat: now,
    exp: now + 900,
  })}.`;
}

// ---- resource fixtures ----

interface Owned {
  params: Record<string, string>;
  /** Reads the resource back as its owner: what must not change when another user tries. */
  read?: () => Promise<unknown>;
}

interface Fixture {
  /**
   * owned: the id names the owner's row, so another user gets a 404.
   * caller: the parameter names shared data (a product, a provider) and the route acts on
   * the caller's own rows; another user's call must leave the owner's data as it was.
   */
  kind: 'owned' | 'caller';
  create: () => Promise<Owned>;
}

async function ok<T>(res: Response, status = [200, 201, 202]): Promise<T> {
  const text = await res.text();
  if (!status.includes(res.status)) throw new Error(`fixture: ${res.url} ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

const as = (user: TestUser, path: string, options: CallOptions = {}) =>
  call(path, { token: user.accessToken, ip: user.ip, ...options });

/** Reads a JSON resource as the owner, dropping fields that move on their own. */
const readBack =
  (path: string, volatile: string[] = []) =>
  async () => {
    const res = await as(owner, path);
    const isJson = /json/.test(res.headers.get('content-type') ?? '');
    const body = isJson ? ((await res.json()) as Record<string, unknown>) : await res.text();
    if (typeof body === 'object') for (const key of volatile) delete body[key];
    return { status: res.status, body };
  };

let productId: string;

async function newProduct(): Promise<string> {
  const created = await ok<{ id: string }>(
    await as(admin, '/api/admin/products', {
      json: {
        slug: `contract-${randomUUID().slice(0, 8)}`,
        kind: 'digital',
        nameFr: 'Produit',
        nameEn: 'Product',
        priceMinor: 1000,
      },
    }),
  );
  return created.id;
}

const once = <T>(make: () => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make();
    return value;
  };
};

const ownerConversation = once(async () => {
  const { id } = await ok<{ id: string }>(await as(owner, '/api/conversations', { json: {} }));
  return id;
});

const ownerOrder = once(async () => {
  const orderId = await insertOrder(owner.id, productId, 'pending');
  return orderId;
});

const ownerInvoice = once(async () => {
  const orderId = await insertOrder(owner.id, productId, 'pending');
  await ok(await as(admin, `/api/admin/orders/${orderId}/confirm-transfer`, { method: 'POST' }));
  const order = await ok<{ invoices: Array<{ id: string }> }>(
    await as(owner, `/api/orders/${orderId}`),
  );
  const invoice = order.invoices[0];
  if (!invoice) throw new Error('fixture: a confirmed order has no invoice');
  return invoice.id;
});

/**
 * Creators for every resource a path parameter names, keyed by the path up to that
 * parameter. The longest matching key wins.
 */
const FIXTURES: Record<string, Fixture> = {
  '/api/notifications/{id}': {
    kind: 'owned',
    create: async () => {
      const title = `contract ${randomUUID()}`;
      await ok(
        await as(admin, '/api/admin/announcements', {
          json: { title, body: 'x', userIds: [owner.id] },
        }),
      );
      const page = await ok<{ items: Array<{ id: string; title: string }> }>(
        await as(owner, '/api/notifications'),
      );
      const found = page.items.find((n) => n.title === title);
      if (!found) throw new Error('fixture: the announcement did not reach the owner');
      return { params: { id: found.id }, read: readBack('/api/notifications', ['unread']) };
    },
  },
  '/api/auth/sessions/{id}': {
    kind: 'owned',
    create: async () => {
      const list = await ok<{ items: Array<{ id: string }> }>(
        await as(owner, '/api/auth/sessions'),
      );
      const first = list.items[0];
      if (!first) throw new Error('fixture: the owner has no session');
      return { params: { id: first.id }, read: readBack('/api/auth/sessions') };
    },
  },
  '/api/auth/passkeys/{id}': {
    kind: 'owned',
    create: async () => {
      const [row] = await query<{ id: string }>(
        (db) => db`insert into passkeys (user_id, credential_id, public_key, device_type, name)
          values (${owner.id}, ${randomUUID()}, 'pk', 'singleDevice', 'Contract key')
          returning id`,
      );
      return { params: { id: row?.id ?? '' }, read: readBack('/api/auth/passkeys') };
    },
  },
  '/api/chat/attachments/{id}': {
    kind: 'owned',
    create: async () => {
      const file = await ok<{ id: string }>(
        await as(owner, '/api/chat/attachments?name=note.txt', {
          method: 'POST',
          body: 'a private note',
          headers: { 'Content-Type': 'text/plain' },
        }),
      );
      return { params: { id: file.id }, read: readBack(`/api/chat/attachments/${file.id}`) };
    },
  },
  '/api/conversations/{id}': {
    kind: 'owned',
    create: async () => {
      const id = await ownerConversation();
      return {
        params: { id, messageId: randomUUID() },
        read: readBack(`/api/conversations/${id}`),
      };
    },
  },
  '/api/keys/{provider}': {
    kind: 'caller',
    create: async () => {
      await ok(
        await as(owner, '/api/keys/anthropic', {
          method: 'PUT',
          json: { apiKey: providerKey('anthropic', 'valid') },
        }),
        [200, 201, 422],
      );
      return { params: { provider: 'anthropic' }, read: readBack('/api/keys') };
    },
  },
  '/api/agents/{id}': {
    kind: 'owned',
    create: async () => {
      const agent = await ok<{ id: string }>(
        await as(owner, '/api/agents', {
          json: { name: 'Private agent', systemPrompt: 'Be brief.' },
        }),
      );
      return { params: { id: agent.id }, read: readBack(`/api/agents/${agent.id}`) };
    },
  },
  '/api/agents/shared/{token}': {
    // A share link is a capability: whoever holds it may read and copy the agent.
    kind: 'caller',
    create: async () => {
      const agent = await ok<{ id: string }>(
        await as(owner, '/api/agents', { json: { name: 'Shared agent', systemPrompt: 'Hi.' } }),
      );
      const share = await ok<{ token: string }>(
        await as(owner, `/api/agents/${agent.id}/share`, { method: 'POST' }),
      );
      return { params: { token: share.token }, read: readBack(`/api/agents/${agent.id}`) };
    },
  },
  '/api/prompts/{id}': {
    kind: 'owned',
    create: async () => {
      const prompt = await ok<{ id: string }>(
        await as(owner, '/api/prompts', { json: { title: 'Mine', body: 'Private text' } }),
      );
      return { params: { id: prompt.id }, read: readBack(`/api/prompts/${prompt.id}`) };
    },
  },
  '/api/media/uploads/{fileId}': {
    kind: 'owned',
    create: async () => {
      const upload = await ok<{ fileId: string }>(
        await as(owner, '/api/media/uploads', {
          json: { name: 'big.mp4', contentType: 'video/mp4', size: 6 * 1024 * 1024 },
        }),
      );
      return {
        params: { fileId: upload.fileId, n: '1' },
        read: async () =>
          query((db) => db`select status, size from media_files where id = ${upload.fileId}`),
      };
    },
  },
  '/api/media/files/{id}': {
    kind: 'owned',
    create: async () => {
      const file = await ok<{ id: string }>(
        await as(owner, '/api/media/files?name=private.txt', {
          method: 'POST',
          body: 'private bytes',
          headers: { 'Content-Type': 'text/plain' },
        }),
      );
      return { params: { id: file.id }, read: readBack(`/api/media/files/${file.id}`) };
    },
  },
  '/api/media/folders/{id}': {
    kind: 'owned',
    create: async () => {
      const folder = await ok<{ id: string }>(
        await as(owner, '/api/media/folders', { json: { name: `private ${randomUUID()}` } }),
      );
      return { params: { id: folder.id }, read: readBack('/api/media/folders') };
    },
  },
  '/api/products/{id}': {
    // Reviews hang on a public product; the caller's review is the caller's own.
    kind: 'caller',
    create: async () => ({
      params: { id: productId },
      read: readBack(`/api/products/${productId}/reviews`),
    }),
  },
  '/api/reviews/{id}': {
    kind: 'owned',
    create: async () => {
      const reviewed = await newProduct();
      await insertOrder(owner.id, reviewed, 'paid');
      const review = await ok<{ id: string }>(
        await as(owner, `/api/products/${reviewed}/reviews`, { json: { rating: 4, text: 'Mine' } }),
      );
      return {
        params: { id: review.id },
        read: async () =>
          query(
            (db) => db`select rating, text, status from product_reviews where id = ${review.id}`,
          ),
      };
    },
  },
  '/api/wishlist/{productId}': {
    kind: 'caller',
    create: async () => {
      await ok(await as(owner, `/api/wishlist/${productId}`, { method: 'PUT' }), [200, 201, 204]);
      return { params: { productId }, read: readBack('/api/wishlist') };
    },
  },
  '/api/cart/items/{productId}': {
    kind: 'caller',
    create: async () => {
      await ok(await as(owner, '/api/cart/items', { json: { productId, quantity: 2 } }));
      return { params: { productId }, read: readBack('/api/cart') };
    },
  },
  '/api/orders/{id}': {
    kind: 'owned',
    create: async () => {
      const id = await ownerOrder();
      return { params: { id }, read: readBack(`/api/orders/${id}`) };
    },
  },
  '/api/invoices/{id}': {
    kind: 'owned',
    create: async () => ({ params: { id: await ownerInvoice() } }),
  },
  '/api/tokens/{id}': {
    kind: 'owned',
    create: async () => {
      const token = await ok<{ id: string }>(
        await as(owner, '/api/tokens', { json: { name: 'owner token' } }),
      );
      return { params: { id: token.id }, read: readBack('/api/tokens') };
    },
  },
  '/api/jobs/{id}': {
    kind: 'owned',
    create: async () => {
      const { job } = await ok<{ job: { id: string } }>(
        await as(owner, '/api/jobs', {
          json: { kind: 'image', provider: 'offline', prompt: 'contract' },
        }),
      );
      // A job moves on by itself: compare what another user could change, not progress.
      const read = async () => {
        const res = await as(owner, `/api/jobs/${job.id}`);
        const body = (await res.json()) as { job?: { id: string; kind: string; status: string } };
        const status = body.job?.status === 'cancelled' ? 'cancelled' : 'live';
        return { status: res.status, id: body.job?.id, kind: body.job?.kind, state: status };
      };
      return { params: { id: job.id }, read };
    },
  },
};

function fixtureFor(op: Op): Fixture | undefined {
  let best: string | undefined;
  for (const key of Object.keys(FIXTURES)) {
    if (op.path.startsWith(key) && (!best || key.length > best.length)) best = key;
  }
  return best ? FIXTURES[best] : undefined;
}

// ---- the checks ----

beforeAll(async () => {
  doc = await json<OpenApiDocument>(await call('/api/openapi.json'));
  ops = operationsOf(doc);
  [owner, intruder, fuzzer, admin] = await Promise.all([
    registerUser({ name: 'Contract Owner' }),
    registerUser({ name: 'Contract Intruder' }),
    registerUser({ name: 'Contract Fuzzer' }),
    createAdmin(),
  ]);
  const created = await ok<{ token: string }>(
    await as(fuzzer, '/api/tokens', { json: { name: 'contract' } }),
  );
  apiToken = created.token;
  productId = await newProduct();
}, 120_000);

afterAll(() => {
  const byAccess = new Map<string, number>();
  for (const op of ops ?? []) byAccess.set(op.access, (byAccess.get(op.access) ?? 0) + 1);
  console.log(
    `route contract: ${ops?.length ?? 0} operations (${[...byAccess]
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}), ${checks.count} checks`,
  );
});

describe('route contract (generated from /api/openapi.json)', () => {
  it('knows who may call every operation', () => {
    expect(ops.length).toBeGreaterThan(100);
    for (const op of ops) {
      expect(['public', 'user', 'admin', 'webhook', 'api-token'], label(op, 'access')).toContain(
        op.access,
      );
    }
  });

  it('answers 401 problem+json to a bearer route without a valid token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await signed({}, now - 60);
    const wrongKey = await new SignJWT({ role: 'user', sid: randomUUID() })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(owner.id)
      .setIssuer(workerVar('JWT_ISSUER'))
      .setAudience(workerVar('JWT_AUDIENCE'))
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('not-the-secret-not-the-secret-xx'));
    const cases: Array<[string, string | undefined, string]> = [
      ['no token', undefined, 'UNAUTHORIZED'],
      ['garbage token', 'not.a.jwt', 'UNAUTHORIZED'],
      ['token signed with another key', wrongKey, 'UNAUTHORIZED'],
      ['expired token', expired, 'TOKEN_EXPIRED'],
      ['alg none token', unsignedToken(), 'UNAUTHORIZED'],
      ['Basic scheme', BASIC, 'UNAUTHORIZED'],
    ];
    const bearer = ops.filter((op) => op.access === 'user' || op.access === 'admin');
    const findings = await inBatches(
      bearer.flatMap((op) =>
        cases.map(
          ([what, token, code]) =>
            async () =>
              problemFinding(
                await request(op, {
                  json: validBody(op),
                  ...(token === BASIC ? { headers: { Authorization: BASIC } } : { token }),
                }),
                label(op, what),
                401,
                code,
              ),
        ),
      ),
    );
    expect(findings.filter(Boolean)).toEqual([]);
  });

  it('answers 401 in the OpenAI error shape to /v1 without a valid API token', async () => {
    const v1 = ops.filter((op) => op.access === 'api-token');
    expect(v1.length).toBeGreaterThan(0);
    const findings = await inBatches(
      v1.flatMap((op) =>
        [undefined, 'wbx_not-a-real-token', owner.accessToken].map((token) => async () => {
          const res = await request(op, { token, json: validBody(op) });
          const body = (await res.clone().json()) as { error?: { type?: string; code?: string } };
          const problem = await problemFinding(res, label(op, `token ${token?.slice(0, 6)}`), 401);
          if (problem) return problem;
          if (
            body.error?.type !== 'authentication_error' ||
            body.error.code !== 'invalid_api_key'
          ) {
            return `${label(op, 'OpenAI error')}: ${JSON.stringify(body.error)}`;
          }
          return null;
        }),
      ),
    );
    expect(findings.filter(Boolean)).toEqual([]);
  });

  it('refuses an unsigned webhook or callback with a documented 4xx', async () => {
    const hooks = ops.filter((op) => op.access === 'webhook');
    expect(hooks.length).toBeGreaterThan(0);
    const findings = await inBatches(
      hooks.map((op) => async () => {
        const documented = Object.keys(op.operation.responses)
          .map(Number)
          .filter((s) => s >= 400 && s < 500);
        return problemFinding(
          await request(op, { json: { id: 'evt_forged', type: 'checkout.session.completed' } }),
          label(op, 'unsigned'),
          documented.filter((s) => s === 400 || s === 401 || s === 403),
        );
      }),
    );
    expect(findings.filter(Boolean)).toEqual([]);
  });

  it('answers 403 to an admin route called with a plain user token', async () => {
    const admins = ops.filter((op) => op.access === 'admin');
    const findings = await inBatches(
      admins.map(
        (op) => async () =>
          problemFinding(
            await request(op, { token: intruder.accessToken, json: validBody(op) }),
            label(op, 'user token'),
            403,
            'FORBIDDEN',
          ),
      ),
    );
    expect(findings.filter(Boolean)).toEqual([]);
  });

  it('answers 400 INVALID_JSON to broken JSON and 415 to a form body', async () => {
    const withJson = ops.filter((op) => op.jsonBody && op.access !== 'webhook');
    const findings = await inBatches(
      withJson.flatMap((op) => [
        async () =>
          problemFinding(
            await request(op, {
              token: tokenFor(op),
              body: '{"broken": ',
              headers: { 'Content-Type': 'application/json' },
            }),
            label(op, 'broken JSON'),
            400,
            'INVALID_JSON',
          ),
        async () =>
          problemFinding(
            await request(op, {
              token: tokenFor(op),
              body: new URLSearchParams({ a: '1' }).toString(),
              headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            }),
            label(op, 'form body'),
            415,
            'UNSUPPORTED_MEDIA_TYPE',
          ),
      ]),
    );
    expect(findings.filter(Boolean)).toEqual([]);
  });

  it('answers 404 to a random id on every parameterised route', async () => {
    // Parameters that name a catalogue entry rather than a row: a random value is refused
    // by validation or leaves nothing to find; both are 4xx problems.
    const withParams = ops.filter((op) => op.pathParams.length && op.access !== 'webhook');
    const findings = await inBatches(
      withParams.map((op) => async () => {
        const res = await request(op, { token: tokenFor(op), json: validBody(op) });
        if (op.pathParams.some((p) => CALLER_PARAMS.has(p))) {
          checks.count++;
          const text = await res.text();
          return res.status < 500 ? null : `${label(op, 'random key')}: ${res.status} ${text}`;
        }
        // A signed link is checked before the lookup: a forged one is a 403, never an oracle.
        const signedLink = op.operation.parameters?.some((p) => p.name === 'sig' && p.required);
        return problemFinding(res, label(op, 'random id'), signedLink ? 403 : 404);
      }),
    );
    expect(findings.filter(Boolean)).toEqual([]);
  });

  it("answers 404 to another user's resource and changes nothing", async () => {
    const userOps = ops.filter((op) => op.pathParams.length && op.access === 'user');
    const missing = userOps.filter((op) => !fixtureFor(op)).map((op) => label(op, ''));
    expect(missing, 'add a fixture for these routes in route-contract.test.ts').toEqual([]);
    const findings: Findings = [];
    // Fixtures are created in sequence (they share the owner's rate limits), each route
    // is then tried by the intruder against a fresh resource.
    for (const op of userOps) {
      const fixture = fixtureFor(op) as Fixture;
      const owned = await fixture.create();
      const before = await owned.read?.();
      const res = await request(op, {
        token: intruder.accessToken,
        ip: intruder.ip,
        params: owned.params,
        json: validBody(op),
      });
      if (fixture.kind === 'owned') {
        const finding = await problemFinding(res, label(op, "another user's"), 404, 'NOT_FOUND');
        if (finding) findings.push(finding);
      } else {
        checks.count++;
        if (res.status >= 500) findings.push(`${label(op, "another user's")}: ${res.status}`);
        await res.body?.cancel();
      }
      if (owned.read) {
        checks.count++;
        const after = await owned.read();
        try {
          expect(after).toEqual(before);
        } catch {
          findings.push(
            `${label(op, 'changed the owner data')}: ${JSON.stringify(before).slice(0, 200)} → ${JSON.stringify(after).slice(0, 200)}`,
          );
        }
      }
    }
    expect(findings).toEqual([]);
  }, 120_000);

  it('never answers 5xx to hostile bodies, and every 4xx is problem+json', async () => {
    const targets = ops.filter((op) => op.jsonBody && op.access !== 'webhook');
    const findings: Findings = [];
    await inBatches(
      targets.map((op) => async () => {
        const bodies = fc.sample(hostileBody(doc, op.jsonBody as NonNullable<Op['jsonBody']>), {
          numRuns: FUZZ_RUNS,
          seed: FUZZ_SEED,
        });
        for (const body of bodies) {
          const res = await request(op, { token: tokenFor(op), json: body });
          checks.count++;
          const text = await res.text();
          const sent = JSON.stringify(body).slice(0, 120);
          if (res.status >= 500)
            findings.push(
              `${label(op, 'hostile body')}: ${res.status} ${sent} ${text.slice(0, 200)}`,
            );
          else if (
            res.status >= 400 &&
            !/^application\/problem\+json/.test(res.headers.get('content-type') ?? '')
          ) {
            findings.push(`${label(op, 'hostile body')}: ${res.status} not problem+json ${sent}`);
          }
        }
      }),
      4,
    );
    expect(findings).toEqual([]);
  }, 180_000);

  it('never answers 5xx to hostile query strings', async () => {
    const targets = ops.filter(
      (op) => op.method === 'GET' && op.operation.parameters?.some((p) => p.in === 'query'),
    );
    const findings: Findings = [];
    const value = fc.constantFrom(
      '-1',
      '1e308',
      'NaN',
      '\uD800',
      'a\u0000b',
      'x'.repeat(5000),
      "' or 1=1 --",
      '[]',
      '2030-13-45',
    );
    await inBatches(
      targets.map((op) => async () => {
        const names = (op.operation.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => p.name);
        const samples = fc.sample(fc.tuple(fc.constantFrom(...names), value), {
          numRuns: 6,
          seed: FUZZ_SEED,
        });
        for (const [name, v] of samples) {
          const res = await call(`${urlOf(op)}?${new URLSearchParams({ [name]: v })}`, {
            token: tokenFor(op),
          });
          checks.count++;
          const text = await res.text();
          if (res.status >= 500)
            findings.push(`${label(op, `?${name}`)}: ${res.status} ${text.slice(0, 200)}`);
        }
      }),
      4,
    );
    expect(findings).toEqual([]);
  }, 120_000);
});
