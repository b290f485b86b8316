import { Redis } from 'ioredis';

/** The Redis behind the stand-in when there is a real one; tests use their own database. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_REDIS_DB = 9;

/**
 * The test Redis (database 9) when a real one backs the stand-in, else null: the stand-in then
 * keeps its store in memory. The caller disconnects.
 */
export async function connectTestRedis(): Promise<Redis | null> {
  const redis = new Redis(TEST_REDIS_URL, {
    db: TEST_REDIS_DB,
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return redis;
  } catch {
    redis.disconnect();
    return null;
  }
}
