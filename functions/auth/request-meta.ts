import type { Context } from 'hono';
import type { AppEnv } from '../platform/env';
import { clientIp } from '../platform/rate-limit';
import type { RequestMeta } from './service';

/** Who is calling from where: IP, user agent and Cloudflare's city and country. */
export function requestMeta(c: Context<AppEnv>): RequestMeta {
  const cf = c.req.raw.cf as { city?: unknown; country?: unknown } | undefined;
  const place = [cf?.city, cf?.country].filter((p) => typeof p === 'string' && p).join(', ');
  return {
    ip: clientIp(c),
    userAgent: c.req.header('User-Agent') ?? null,
    location: place || null,
  };
}
