import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../platform/env';
import { randomToken } from '../platform/tokens';
import type { CartOwner } from './cart';
import { callerOf } from './optional-auth';

/** The anonymous cart's cookie: a random id, sent only to the cart endpoints. */
export const CART_COOKIE = 'webox_cart';
const COOKIE_PATH = '/api/cart';
const COOKIE_MAX_AGE_SECONDS = 30 * 24 * 3600;
const VISITOR_ID = /^[A-Za-z0-9_-]{22,64}$/;

/** The visitor id in the cart cookie, if there is a well-formed one. */
export function visitorIdOf(c: Context<AppEnv>): string | null {
  const value = getCookie(c, CART_COOKIE);
  return value && VISITOR_ID.test(value) ? value : null;
}

/**
 * Whose cart the request is about: the signed-in caller's, else the visitor's cookie cart;
 * null for an anonymous caller without a cookie (an empty cart, nothing stored).
 */
export function cartOwnerOf(c: Context<AppEnv>): CartOwner | null {
  const caller = callerOf(c);
  if (caller) return { kind: 'user', userId: caller.userId };
  const existing = visitorIdOf(c);
  return existing ? { kind: 'visitor', visitorId: existing } : null;
}

/**
 * Like cartOwnerOf, but an anonymous caller without a cookie gets a new random visitor id
 * (128 bits); `isNew` says the cookie still has to be set with `rememberVisitor` once the
 * first add succeeded (a refused add leaves no cookie behind).
 */
export function ensureCartOwner(c: Context<AppEnv>): { owner: CartOwner; isNew: boolean } {
  const owner = cartOwnerOf(c);
  if (owner) return { owner, isNew: false };
  return { owner: { kind: 'visitor', visitorId: randomToken(16) }, isNew: true };
}

/** Sets the HttpOnly, Secure, SameSite=Lax cookie naming a visitor's cart. */
export function rememberVisitor(c: Context<AppEnv>, visitorId: string): void {
  setCookie(c, CART_COOKIE, visitorId, {
    httpOnly: true,
    secure: true,
    sameSite: 'Lax',
    path: COOKIE_PATH,
    maxAge: COOKIE_MAX_AGE_SECONDS,
  });
}

/** Removes the cart cookie (after its cart was merged into an account). */
export function clearCartCookie(c: Context<AppEnv>): void {
  deleteCookie(c, CART_COOKIE, {
    path: COOKIE_PATH,
    secure: true,
    httpOnly: true,
    sameSite: 'Lax',
  });
}
