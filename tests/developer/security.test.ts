import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { API_CHAT_RULE } from '../../functions/developer/limits';
import {
  authenticateToken,
  TOKEN_CACHE_TTL_MS,
  TOKEN_MARK_SECONDS,
} from '../../functions/developer/token-auth';
import { ApiError } from '../../functions/platform/errors';
import { createKeyValue } from '../../functions/platform/redis';
import { markApiTokenRevoked } from '../../functions/platform/revocation';
import { createAdmin } from '../helpers/accounts';
import { call, expectProblem, json, registerUser, sql } from '../helpers/api';
import { workerVar } from '../helpers/generation';
import { createApiToken, expectOpenAiProblem, openAiClient, usageRows, v1Chat } from './helpers';

const accountRoutes: Array<[string, string]> = [
  ['GET', '/api/tokens'],
  ['POST', '/api/tokens'],
  ['DELETE', '/api/tokens/4a8c3f70-9d5e-4b1a-8c2e-7f6a5b4c3d21'],
  ['GET', '/api/usage'],
  ['GET', '/api/models'],
];

const apiRoutes: Array<[string, string]> = [
  ['GET', '/v1/models'],
  ['GET', '/v1/models/offline%2Foffline-brief'],
  ['POST', '/v1/chat/completions'],
];

describe('API tokens and /v1: security', () => {
  it.each(accountRoutes)(
    '%s %s refuses an API token: it is not a session',
    async (method, path) => {
      const user = await registerUser();
      const { token } = await createApiToken(user);
      await expectProblem(await call(path, { method, token }), 401, 'UNAUTHORIZED');
    },
  );

  it.each(apiRoutes)('%s %s refuses a session access token', async (method, path) => {
    const user = await registerUser();
    const res = await call(path, {
      method,
      token: user.accessToken,
      json: method === 'POST' ? { model: 'offline/offline-brief', messages: [] } : undefined,
    });
    await expectOpenAiProblem(res, 401, 'UNAUTHORIZED', {
      type: 'authentication_error',
      code: 'invalid_api_key',
    });
  });

  it('stores only the SHA-256 of a token, never the token itself', async () => {
    const user = await registerUser();
    const created = await createApiToken(user, { name: 'hashed' });
    const db = sql();
    try {
      const [row] = await db<{ token_hash: string; prefix: string }[]>`
        select token_hash, prefix from api_tokens where id = ${created.id}`;
      expect(row?.token_hash).toBe(createHash('sha256').update(created.token).digest('hex'));
      expect(row?.prefix).toBe(created.token.slice(0, 12));
      const audit = await db<{ metadata: unknown }[]>`
        select metadata from audit_log where user_id = ${user.id} and action = 'api_token.created'`;
      expect(audit).toHaveLength(1);
      expect(JSON.stringify(audit)).not.toContain(created.token);
      expect(JSON.stringify(audit)).not.toContain(row?.token_hash);
    } finally {
      await db.end();
    }
    const list = await (await call('/api/tokens', { token: user.accessToken })).text();
    expect(list).not.toContain(created.token);
    expect(list).not.toContain(createHash('sha256').update(created.token).digest('hex'));
  });

  it('a token acts only for its owner: usage, listing and revocation stay per user', async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const aliceToken = await createApiToken(alice);
    const bobToken = await createApiToken(bob);

    const completion = await openAiClient(aliceToken.token).chat.completions.create({
      model: 'offline/offline-brief',
      messages: [{ role: 'user', content: 'Only for Alice' }],
    });
    expect((await usageRows(alice.id)).map((row) => row.reference)).toEqual([completion.id]);
    expect(await usageRows(bob.id)).toEqual([]);
    const bobUsage = await json<{ totals: { calls: number } }>(
      await call('/api/usage', { token: bob.accessToken }),
    );
    expect(bobUsage.totals.calls).toBe(0);

    const bobList = await json<{ items: Array<{ id: string }> }>(
      await call('/api/tokens', { token: bob.accessToken }),
    );
    expect(bobList.items.map((item) => item.id)).toEqual([bobToken.id]);

    await expectProblem(
      await call(`/api/tokens/${aliceToken.id}`, { method: 'DELETE', token: bob.accessToken }),
      404,
      'NOT_FOUND',
    );
    // Bob's attempt changed nothing: Alice's token still works.
    expect((await openAiClient(aliceToken.token).models.list()).data.length).toBeGreaterThan(0);
  });

  it('a revoked token stops at once, even mid-session, and a new token is different', async () => {
    const user = await registerUser();
    const first = await createApiToken(user);
    const client = openAiClient(first.token);
    await client.models.list();
    await call(`/api/tokens/${first.id}`, { method: 'DELETE', token: user.accessToken });
    await expectOpenAiProblem(
      await call('/v1/models', { token: first.token }),
      401,
      'UNAUTHORIZED',
      { type: 'authentication_error', code: 'invalid_api_key' },
    );
    const second = await createApiToken(user);
    expect(second.token).not.toBe(first.token);
    expect(second.prefix).not.toBe(first.prefix);
  });

  it('an admin’s API token carries no admin rights', async () => {
    const admin = await registerUser();
    const db = sql();
    try {
      await db`update users set role = 'admin' where id = ${admin.id}`;
    } finally {
      await db.end();
    }
    const { token } = await createApiToken(admin);
    await expectProblem(await call('/api/admin/models', { token }), 401, 'UNAUTHORIZED');
  });

  it('error bodies never carry a stack trace or internal detail', async () => {
    const res = await call('/v1/chat/completions', {
      headers: { Authorization: 'Bearer wbx_', 'Content-Type': 'application/json' },
      body: '{',
    });
    const text = await res.text();
    expect(res.status).toBe(401);
    expect(text).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
  });
});

describe('/v1 rate limit and documentation', () => {
  it('limits chat completions per account with 429 and Retry-After', async () => {
    const user = await registerUser();
    const { token } = await createApiToken(user);
    const body = { model: 'nope/unknown', messages: [{ role: 'user', content: 'Hi' }] };
    for (let i = 0; i < 60; i++) {
      const res = await call('/v1/chat/completions', { token, json: body });
      expect(res.status, `request ${i + 1}`).toBe(422);
    }
    const limited = await call('/v1/chat/completions', { token, json: body });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectOpenAiProblem(limited, 429, 'RATE_LIMITED', {
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
    });
    // The allowance is per account: another user's token is unaffected.
    const other = await registerUser();
    const otherToken = await createApiToken(other);
    const res = await call('/v1/chat/completions', { token: otherToken.token, json: body });
    expect(res.status).toBe(422);
  });

  it('describes /v1, tokens, models and usage in the OpenAPI document', async () => {
    const res = await call('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = await json<{
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    }>(res);
    for (const path of [
      '/v1/models',
      '/v1/chat/completions',
      '/api/tokens',
      '/api/tokens/{id}',
      '/api/models',
      '/api/admin/models',
      '/api/admin/models/{id}',
      '/api/usage',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/v1/chat/completions']?.post?.security).toEqual([{ apiToken: [] }]);
    expect(doc.components.securitySchemes.apiToken).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });
});

/**
 * Token records are cached per isolate (functions/developer/token-auth.ts). A revocation or a
 * disabled account reaches every isolate through a Redis mark, so it takes effect on the next
 * call; a change made behind the app's back takes effect within TOKEN_CACHE_TTL_MS (15 s).
 */
describe('/v1 with cached token records', () => {
  const complete = (token: string) =>
    v1Chat(token, { model: 'offline/offline-brief', messages: [{ role: 'user', content: 'Hi' }] });
  const refused = (res: Response) =>
    expectOpenAiProblem(res, 401, 'UNAUTHORIZED', {
      type: 'authentication_error',
      code: 'invalid_api_key',
    });
  async function run(statement: (db: ReturnType<typeof sql>) => Promise<unknown>) {
    const db = sql();
    try {
      await statement(db);
    } finally {
      await db.end();
    }
  }

  it('refuses a token revoked through the API on the very next call, and bills each completion once', async () => {
    const user = await registerUser();
    const created = await createApiToken(user);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await complete(created.token);
      expect(res.status, await res.clone().text()).toBe(200);
      ids.push((await json<{ id: string }>(res)).id);
    }
    const res = await call(`/api/tokens/${created.id}`, {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(res.status).toBe(204);
    // No wait: the mark is written before the DELETE answers.
    const body = await refused(await complete(created.token));
    expect(body.detail).toBe('This API token was revoked.');
    await refused(await call('/v1/models', { token: created.token }));
    const rows = await usageRows(user.id);
    expect(rows.map((row) => row.reference).sort()).toEqual([...ids].sort());
  });

  it('refuses a token revoked in another isolate through the Redis mark, though this one cached it', async () => {
    const user = await registerUser();
    const created = await createApiToken(user);
    expect((await complete(created.token)).status).toBe(200);
    // Another isolate's revocation: the commit, which this isolate's cached copy does not see…
    await run((db) => db`update api_tokens set revoked_at = now() where id = ${created.id}`);
    const stale = await complete(created.token);
    expect(stale.status, 'served from the cached record').toBe(200);
    // …then the mark it writes right after, which every isolate reads on every call.
    const kv = createKeyValue({
      url: workerVar('UPSTASH_REDIS_REST_URL'),
      token: workerVar('UPSTASH_REDIS_REST_TOKEN'),
    });
    await markApiTokenRevoked(kv, created.id, TOKEN_MARK_SECONDS);
    const body = await refused(await complete(created.token));
    expect(body.detail).toBe('This API token was revoked.');
  });

  it('refuses the cached token of a disabled account on the next call, and accepts it again once re-enabled', async () => {
    const admin = await createAdmin();
    const user = await registerUser();
    const created = await createApiToken(user);
    expect((await complete(created.token)).status).toBe(200);
    const disable = await call(`/api/admin/users/${user.id}/disable`, {
      method: 'POST',
      token: admin.accessToken,
    });
    expect(disable.status, await disable.clone().text()).toBe(200);
    const body = await refused(await complete(created.token));
    expect(body.detail).toBe('The account of this API token is disabled.');
    // The account mark made the isolate ask Postgres, not refuse the token for good.
    const enable = await call(`/api/admin/users/${user.id}/enable`, {
      method: 'POST',
      token: admin.accessToken,
    });
    expect(enable.status, await enable.clone().text()).toBe(200);
    expect((await complete(created.token)).status).toBe(200);
  });

  it('stops the token of an account deleted behind the app’s back within TOKEN_CACHE_TTL_MS', async () => {
    const user = await registerUser();
    const created = await createApiToken(user);
    expect((await complete(created.token)).status).toBe(200);
    await run((db) => db`delete from users where id = ${user.id}`);
    const deletedAt = Date.now();
    let res = await call('/v1/models', { token: created.token });
    while (res.status === 200 && Date.now() - deletedAt < TOKEN_CACHE_TTL_MS + 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      res = await call('/v1/models', { token: created.token });
    }
    const body = await refused(res);
    expect(body.detail).toBe('This is not a valid WeBox API token.');
    expect(Date.now() - deletedAt).toBeLessThanOrEqual(TOKEN_CACHE_TTL_MS + 1_000);
  }, 30_000);

  it('refuses a cached token once it expires, and unknown or malformed tokens every time', async () => {
    const user = await registerUser();
    const created = await createApiToken(user);
    await run(
      (db) =>
        db`update api_tokens set expires_at = now() + interval '2 seconds' where id = ${created.id}`,
    );
    expect((await complete(created.token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const expired = await refused(await complete(created.token));
    expect(expired.detail).toBe('This API token has expired.');

    const unknown = `wbx_${randomBytes(32).toString('base64url')}`;
    for (let i = 0; i < 2; i++) {
      const body = await refused(await complete(unknown));
      expect(body.detail).toBe('This is not a valid WeBox API token.');
      await refused(await complete(`${created.token.slice(0, -1)}!`));
    }
  });
});

/**
 * The token check called as a service, with the Upstash client pointed at the stack's Redis or
 * at a port where nothing listens (Redis down): without the marks, Postgres decides.
 */
describe('token check when Redis does not answer', () => {
  const warnings: string[] = [];
  const logger = {
    debug() {},
    info() {},
    warn: (msg: string) => void warnings.push(msg),
    error() {},
  };
  const database = openDatabase(inject('databaseUrl'));
  const redisUp = createKeyValue({
    url: workerVar('UPSTASH_REDIS_REST_URL'),
    token: workerVar('UPSTASH_REDIS_REST_TOKEN'),
  });
  const redisDown = createKeyValue({ url: 'http://127.0.0.1:9', token: 'unused' });
  const services = (kv: typeof redisUp) => ({ db: database.db, kv, logger, secrets: {} });
  afterAll(() => database.close());

  it('checks a cached token in Postgres, and refuses it once revoked there', async () => {
    const user = await registerUser();
    const created = await createApiToken(user);
    const first = await authenticateToken(services(redisUp), created.token, {
      limit: API_CHAT_RULE,
    });
    expect(first.caller).toEqual({ tokenId: created.id, userId: user.id });
    expect(first.limit?.allowed).toBe(true);

    const down = await authenticateToken(services(redisDown), created.token, {
      limit: API_CHAT_RULE,
    });
    expect(down.caller.tokenId).toBe(created.id);
    expect(down.limit, 'no count without Redis: rateLimitByUser counts itself').toBeUndefined();
    expect(warnings.at(-1)).toMatch(/marks unreadable/);

    // Cached again while Redis answers, then revoked in Postgres only (no mark):
    await authenticateToken(services(redisUp), created.token);
    const db = sql();
    try {
      await db`update api_tokens set revoked_at = now() where id = ${created.id}`;
    } finally {
      await db.end();
    }
    const stale = await authenticateToken(services(redisUp), created.token);
    expect(stale.caller.tokenId, 'the cached record, within its 15 s').toBe(created.id);
    // Redis down: the cached copy is not trusted without its marks.
    const refused = await authenticateToken(services(redisDown), created.token).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(401);
    expect((refused as ApiError).message).toBe('This API token was revoked.');
  });
});
