import { connect } from 'node:net';
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RedisReply, RedisRestServer } from '../../tools/dev-services/redis-rest';
import { startRedisRest } from '../../tools/dev-services/redis-rest';
import { requireOnCi } from '../setup/real-services';

const TOKEN = 'test-token';
const REDIS_URL = 'redis://127.0.0.1:6379';
const TEST_DB = 11;

/** True when a Redis on 127.0.0.1:6379 answers PING; decides whether the real-Redis block runs. */
function redisIsUp(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(6379, '127.0.0.1');
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

const realRedis = requireOnCi(
  {
    name: 'Redis',
    where: '127.0.0.1:6379',
    reason: 'no answer; the real-Redis checks are skipped',
  },
  await redisIsUp(),
);

interface RawAnswer {
  status: number;
  body: unknown;
}

async function raw(
  server: RedisRestServer,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const res = await fetch(`${server.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const backends = [
  { name: 'memory backend', redisUrl: undefined, expected: 'memory', skip: false },
  { name: 'real Redis backend (db 11)', redisUrl: REDIS_URL, expected: 'redis', skip: !realRedis },
] as const;

for (const backend of backends) {
  describe.skipIf(backend.skip)(`redis-rest with the ${backend.name}`, () => {
    let server: RedisRestServer;
    let redis: Redis;

    beforeAll(async () => {
      server = await startRedisRest({
        port: 0,
        token: TOKEN,
        ...(backend.redisUrl ? { redisUrl: backend.redisUrl, db: TEST_DB } : {}),
      });
      redis = new Redis({ url: server.url, token: TOKEN });
    });

    afterAll(async () => {
      await server?.close();
    });

    beforeEach(async () => {
      await redis.flushdb();
    });

    it('reports the backend it chose', () => {
      expect(server.backend).toBe(backend.expected);
    });

    it('round-trips unicode strings through base64 encoding', async () => {
      const text = 'héllo wörld ✓ 日本語 🎉';
      expect(await redis.set('greeting', text)).toBe('OK');
      expect(await redis.get('greeting')).toBe(text);
      expect(await redis.mget('greeting', 'missing')).toEqual([text, null]);
    });

    it('stores and returns JSON values the way the client serialises them', async () => {
      await redis.set('obj', { a: 1, b: ['x', 'ü'] });
      expect(await redis.get('obj')).toEqual({ a: 1, b: ['x', 'ü'] });
    });

    it('leaves the OK status unencoded and base64-encodes bulk strings', async () => {
      const set = await raw(server, '/', ['SET', 'k', 'v'], { 'upstash-encoding': 'base64' });
      expect(set).toEqual({ status: 200, body: { result: 'OK' } });
      const get = await raw(server, '/', ['GET', 'k'], { 'upstash-encoding': 'base64' });
      expect(get.body).toEqual({ result: Buffer.from('v').toString('base64') });
      const plain = await raw(server, '/', ['GET', 'k']);
      expect(plain.body).toEqual({ result: 'v' });
    });

    it('expires keys (EX/PX, TTL, PTTL, PERSIST, EXPIRE NX)', async () => {
      // Long enough that a loaded CI machine still reads it before it expires.
      await redis.set('short', 'x', { px: 1500 });
      expect(await redis.pttl('short')).toBeGreaterThan(0);
      await redis.set('long', 'y', { ex: 100 });
      const ttl = await redis.ttl('long');
      expect(ttl).toBeGreaterThan(98);
      expect(ttl).toBeLessThanOrEqual(100);
      expect(await redis.ttl('missing')).toBe(-2);
      await redis.set('forever', 'z');
      expect(await redis.ttl('forever')).toBe(-1);
      expect(await redis.pexpire('forever', 5000, 'NX')).toBe(1);
      expect(await redis.pexpire('forever', 9000, 'NX')).toBe(0);
      expect(await redis.persist('forever')).toBe(1);
      expect(await redis.ttl('forever')).toBe(-1);
      await sleep(1600);
      expect(await redis.get('short')).toBeNull();
      expect(await redis.exists('short', 'long')).toBe(1);
    });

    it('honours SET NX, XX, GET and KEEPTTL', async () => {
      expect(await redis.set('k', 'a', { nx: true })).toBe('OK');
      expect(await redis.set('k', 'b', { nx: true })).toBeNull();
      expect(await redis.set('other', 'b', { xx: true })).toBeNull();
      expect(await redis.set('k', 'c', { get: true })).toBe('a');
      await redis.expire('k', 100);
      await redis.set('k', 'd', { keepTtl: true });
      expect(await redis.ttl('k')).toBeGreaterThan(90);
      await redis.set('k', 'e');
      expect(await redis.ttl('k')).toBe(-1);
      expect(await redis.getdel('k')).toBe('e');
      expect(await redis.exists('k')).toBe(0);
    });

    it('counts with INCR, INCRBY, DECR and DECRBY and rejects non-integers', async () => {
      expect(await redis.incr('n')).toBe(1);
      expect(await redis.incrby('n', 10)).toBe(11);
      expect(await redis.decr('n')).toBe(10);
      expect(await redis.decrby('n', 4)).toBe(6);
      await redis.set('word', 'abc');
      await expect(redis.incr('word')).rejects.toThrow(/not an integer/);
    });

    it('runs pipelines and reports per-command errors', async () => {
      const results = await redis
        .pipeline()
        .set('p', 'one')
        .incr('p')
        .get('p')
        .exec({ keepErrors: true });
      expect(results[0]).toEqual({ result: 'OK', error: undefined });
      expect(results[1]?.error).toMatch(/not an integer/);
      expect(results[2]?.result).toBe('one');
    });

    it('runs multi-exec transactions', async () => {
      const results = await redis.multi().set('m', 5).incr('m').get('m').exec();
      expect(results).toEqual(['OK', 6, 6]);
      const discarded = await raw(server, '/multi-exec', [['SET', 'a', '1'], ['NOSUCHCMD']]);
      expect(discarded.status).toBe(400);
      expect(String((discarded.body as { error: string }).error)).toMatch(/EXECABORT/);
      expect(await redis.exists('a')).toBe(0);
    });

    it('handles hashes', async () => {
      expect(await redis.hset('h', { name: 'Zoë', count: 1 })).toBe(2);
      expect(await redis.hget('h', 'name')).toBe('Zoë');
      expect(await redis.hincrby('h', 'count', 5)).toBe(6);
      expect(await redis.hgetall('h')).toEqual({ name: 'Zoë', count: 6 });
      expect(await redis.hdel('h', 'name', 'nope')).toBe(1);
      expect(await redis.hgetall('missing')).toBeNull();
    });

    it('handles sets, lists and sorted sets', async () => {
      expect(await redis.sadd('s', 'a', 'b', 'a')).toBe(2);
      expect(await redis.sismember('s', 'b')).toBe(1);
      expect((await redis.smembers('s')).sort()).toEqual(['a', 'b']);
      expect(await redis.srem('s', 'a')).toBe(1);

      expect(await redis.rpush('l', 'x', 'y', 'z')).toBe(3);
      expect(await redis.lpush('l', 'w')).toBe(4);
      expect(await redis.lrange('l', 0, -1)).toEqual(['w', 'x', 'y', 'z']);
      expect(await redis.ltrim('l', 1, 2)).toBe('OK');
      expect(await redis.llen('l')).toBe(2);

      expect(await redis.zadd('z', { score: 2, member: 'b' }, { score: 1, member: 'a' })).toBe(2);
      expect(await redis.zrange('z', 0, -1)).toEqual(['a', 'b']);
      expect(await redis.zrange('z', 0, -1, { withScores: true })).toEqual(['a', 1, 'b', 2]);
      expect(await redis.zcard('z')).toBe(2);
      expect(await redis.zremrangebyscore('z', 0, 1)).toBe(1);
      expect(await redis.zrange('z', 0, -1)).toEqual(['b']);
    });

    it('finds keys with KEYS and SCAN', async () => {
      await redis.mset({ 'user:1': 'a', 'user:2': 'b', 'other:1': 'c' });
      expect((await redis.keys('user:*')).sort()).toEqual(['user:1', 'user:2']);
      const seen: string[] = [];
      let cursor: string | number = 0;
      do {
        const [next, keys]: [string | number, string[]] = await redis.scan(cursor, {
          match: 'user:*',
          count: 1,
        });
        seen.push(...keys);
        cursor = next;
      } while (String(cursor) !== '0');
      expect(seen.sort()).toEqual(['user:1', 'user:2']);
      expect(await redis.dbsize()).toBe(3);
    });

    it('answers the path form and the _token parameter', async () => {
      const set = await fetch(`${server.url}/set/path-key/path%20value/EX/100?_token=${TOKEN}`);
      expect(await set.json()).toEqual({ result: 'OK' });
      const get = await raw(server, '/get/path-key');
      expect(get.body).toEqual({ result: 'path value' });
      const posted = await fetch(`${server.url}/set/posted?EX=100`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: '{"raw":true}',
      });
      expect(await posted.json()).toEqual({ result: 'OK' });
      expect(await redis.get('posted')).toEqual({ raw: true });
      expect(await redis.ttl('posted')).toBeGreaterThan(90);
    });

    it('rejects a wrong token with 401', async () => {
      const wrong = new Redis({ url: server.url, token: 'wrong', retry: false });
      await expect(wrong.get('k')).rejects.toThrow(/Unauthorized/);
      const res = await fetch(`${server.url}/get/k`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'Unauthorized' });
    });

    it('answers unknown commands and wrong types with Redis errors', async () => {
      const unknown = await raw(server, '/', ['NOSUCHCMD', 'a']);
      expect(unknown.status).toBe(400);
      expect(String((unknown.body as { error: string }).error)).toMatch(/^ERR unknown command/);
      await redis.sadd('a-set', 'x');
      await expect(redis.get('a-set')).rejects.toThrow(/WRONGTYPE/);
      const arity = await raw(server, '/', ['GET']);
      expect(arity.status).toBe(400);
      expect(arity.body).toEqual({ error: "ERR wrong number of arguments for 'get' command" });
    });
  });
}

/**
 * The same raw commands against both backends must give identical answers: this keeps the
 * in-process store honest against real Redis.
 */
describe.skipIf(!realRedis)('memory backend matches real Redis', () => {
  let memory: RedisRestServer;
  let real: RedisRestServer;

  beforeAll(async () => {
    memory = await startRedisRest({ port: 0, token: TOKEN });
    real = await startRedisRest({ port: 0, token: TOKEN, redisUrl: REDIS_URL, db: TEST_DB });
    await raw(real, '/', ['FLUSHDB']);
  });

  afterAll(async () => {
    await raw(real, '/', ['FLUSHDB']);
    await memory?.close();
    await real?.close();
  });

  const script: Array<Array<string | number>> = [
    ['PING'],
    ['PING', 'hi'],
    ['ECHO', 'ünïcode'],
    ['SET', 'k', 'v'],
    ['SET', 'k', 'w', 'NX'],
    ['SET', 'k', 'w', 'XX', 'GET'],
    ['SET', 'k', 'x', 'NX', 'XX'],
    ['SET', 'k', 'x', 'EX', 0],
    ['SET', 'k', 'x', 'EX', 'abc'],
    ['SET', 'k', 'x', 'EX', 10, 'KEEPTTL'],
    ['SET', 'k', 'x', 'BOGUS'],
    ['GET', 'k'],
    ['GET', 'nope'],
    ['SETEX', 'sx', 100, 'val'],
    ['SETEX', 'sx', -1, 'val'],
    ['TTL', 'sx'],
    ['TTL', 'k'],
    ['TTL', 'nope'],
    ['SETNX', 'k', 'q'],
    ['APPEND', 'k', 'yz'],
    ['STRLEN', 'k'],
    ['GETSET', 'k', 'new'],
    ['GETDEL', 'k'],
    ['GETDEL', 'k'],
    ['MSET', 'a', '1', 'b', '2'],
    ['MSET', 'a', '1', 'b'],
    ['MGET', 'a', 'b', 'c'],
    ['INCR', 'a'],
    ['INCRBY', 'a', 10],
    ['DECR', 'a'],
    ['DECRBY', 'a', 3],
    ['INCRBY', 'a', 'x'],
    ['INCR', 'b'],
    ['EXISTS', 'a', 'a', 'nope'],
    ['EXPIRE', 'a', 100],
    ['EXPIRE', 'a', 200, 'NX'],
    ['EXPIRE', 'a', 200, 'XX'],
    ['EXPIRE', 'a', 50, 'GT'],
    ['EXPIRE', 'a', 50, 'LT'],
    ['EXPIRE', 'a', 50, 'NX', 'XX'],
    ['TTL', 'a'],
    ['PERSIST', 'a'],
    ['PERSIST', 'a'],
    ['EXPIRE', 'nope', 10],
    ['PEXPIRE', 'b', 100000],
    ['EXPIRE', 'b', -1],
    ['EXISTS', 'b'],
    ['DEL', 'a', 'b', 'nope'],
    ['HSET', 'h', 'f1', 'v1', 'f2', 'v2'],
    ['HSET', 'h', 'f1', 'v1b', 'f3', 'v3'],
    ['HSET', 'h', 'odd'],
    ['HGET', 'h', 'f1'],
    ['HGET', 'h', 'nope'],
    ['HGETALL', 'h'],
    ['HGETALL', 'nope'],
    ['HMGET', 'h', 'f1', 'nope'],
    ['HLEN', 'h'],
    ['HEXISTS', 'h', 'f2'],
    ['HINCRBY', 'h', 'n', 5],
    ['HINCRBY', 'h', 'f1', 1],
    ['HDEL', 'h', 'f1', 'f2', 'nope'],
    ['HKEYS', 'h'],
    ['HVALS', 'h'],
    ['GET', 'h'],
    ['SADD', 's', 'a'],
    ['SADD', 's', 'a', 'b'],
    ['SISMEMBER', 's', 'b'],
    ['SISMEMBER', 's', 'z'],
    ['SMISMEMBER', 's', 'a', 'z'],
    ['SCARD', 's'],
    ['SREM', 's', 'a', 'z'],
    ['SMEMBERS', 's'],
    ['SREM', 's', 'b'],
    ['EXISTS', 's'],
    ['LPUSH', 'l', 'a', 'b', 'c'],
    ['RPUSH', 'l', 'd', 'e'],
    ['LRANGE', 'l', 0, -1],
    ['LRANGE', 'l', -2, 100],
    ['LRANGE', 'l', 5, 10],
    ['LRANGE', 'l', 3, 1],
    ['LINDEX', 'l', -1],
    ['LLEN', 'l'],
    ['LPOP', 'l'],
    ['RPOP', 'l', 2],
    ['LTRIM', 'l', 0, 0],
    ['LRANGE', 'l', 0, -1],
    ['LTRIM', 'l', 5, 10],
    ['EXISTS', 'l'],
    ['LPOP', 'l'],
    ['LPOP', 'l', 2],
    ['ZADD', 'z', 1, 'a', 2, 'b', 1.5, 'c'],
    ['ZADD', 'z', 'NX', 3, 'a', 4, 'd'],
    ['ZADD', 'z', 'XX', 'CH', 10, 'a', 5, 'e'],
    ['ZADD', 'z', 'GT', 'CH', 1, 'b', 3, 'c'],
    ['ZADD', 'z', 'INCR', 0.25, 'b'],
    ['ZADD', 'z', 'NX', 'XX', 1, 'a'],
    ['ZADD', 'z', 1],
    ['ZADD', 'z', 'abc', 'x'],
    ['ZRANGE', 'z', 0, -1],
    ['ZRANGE', 'z', 0, -1, 'WITHSCORES'],
    ['ZRANGE', 'z', 0, 1, 'REV'],
    ['ZRANGE', 'z', '(2', '+inf', 'BYSCORE', 'WITHSCORES'],
    ['ZRANGE', 'z', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 1, 2],
    ['ZRANGE', 'z', 0, -1, 'LIMIT', 0, 1],
    ['ZSCORE', 'z', 'b'],
    ['ZSCORE', 'z', 'nope'],
    ['ZINCRBY', 'z', 1, 'new'],
    ['ZCOUNT', 'z', '-inf', '(3'],
    ['ZCARD', 'z'],
    ['ZREM', 'z', 'new', 'nope'],
    ['ZREMRANGEBYSCORE', 'z', '-inf', '(3'],
    ['ZREMRANGEBYSCORE', 'z', 'x', 3],
    ['ZRANGE', 'z', 0, -1, 'WITHSCORES'],
    ['TYPE', 'z'],
    ['TYPE', 'h'],
    ['TYPE', 'nope'],
    ['MSET', 'user:1', 'a', 'user:2', 'b', 'user:10', 'c', 'u[x]', 'd'],
    ['KEYS', 'user:?'],
    ['KEYS', 'user:[12]*'],
    ['KEYS', 'u\\[x\\]'],
    ['DBSIZE'],
    ['SCAN', 'abc'],
    ['GET'],
    ['NOSUCHCMD', 'x', 'y'],
    ['FLUSHDB'],
    ['DBSIZE'],
  ];

  it('gives the same answer to every scripted command', async () => {
    const answers = async (server: RedisRestServer) => {
      const out: Array<RedisReply | { error: string }> = [];
      for (const command of script) {
        const { body } = await raw(server, '/', command);
        const answer = body as { result?: RedisReply; error?: string };
        out.push(answer.error === undefined ? (answer.result ?? null) : { error: answer.error });
      }
      return out;
    };
    const fromMemory = await answers(memory);
    const fromRedis = await answers(real);
    // Sets and KEYS have no defined order in Redis: compare those as sorted lists.
    const normalise = (value: RedisReply | { error: string }, index: number) => {
      const name = String(script[index]?.[0]);
      return ['SMEMBERS', 'KEYS', 'HKEYS', 'HVALS'].includes(name) && Array.isArray(value)
        ? [...value].sort()
        : value;
    };
    script.forEach((command, index) => {
      expect
        .soft(normalise(fromMemory[index] ?? null, index), JSON.stringify(command))
        .toEqual(normalise(fromRedis[index] ?? null, index));
    });
  });

  it('gives the same pipeline and transaction answers', async () => {
    const commands = [
      ['SET', 'p', 'one'],
      ['INCR', 'p'],
      ['GET', 'p'],
    ];
    expect((await raw(memory, '/pipeline', commands)).body).toEqual(
      (await raw(real, '/pipeline', commands)).body,
    );
    expect((await raw(memory, '/multi-exec', commands)).body).toEqual(
      (await raw(real, '/multi-exec', commands)).body,
    );
  });
});

describe('redis-rest backend choice', () => {
  it('falls back to the in-process store when the Redis URL does not answer', async () => {
    const started = Date.now();
    const server = await startRedisRest({
      port: 0,
      token: TOKEN,
      redisUrl: 'redis://127.0.0.1:1',
    });
    try {
      expect(server.backend).toBe('memory');
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await raw(server, '/', ['PING'])).body).toEqual({ result: 'PONG' });
    } finally {
      await server.close();
    }
  });
});
