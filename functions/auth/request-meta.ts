import type { Context } from 'hono';
import type { AppEnv } from '../platform/env';
import { clientIp } from '../platform/rate-limit';

export interface RequestMeta {
  ip: string;
  userAgent: string | null;
  /** "City, Country" from Cloudflare's request.cf, when known. */
  location?: string | null;
}

/** The IP as Postgres `inet` accepts it; null when unknown (no header gives 0.0.0.0). */
export function ipOrNull(ip: string): string | null {
  return /^[0-9a-f:.]+$/i.test(ip) && ip !== '0.0.0.0' ? ip : null;
}

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
