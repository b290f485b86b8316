import type { ApiProblem } from '../../api/client';
import { type CartView, mergeCart, type PromoRefusal } from '../../api/shop';
import { authed } from '../../auth';
import type { Lang, MessageKey } from '../../i18n';
import { navigate } from '../../router';
import { createStore, useStore } from '../../store';

export { formatDate, formatMoney } from '../../ui/format';
export { attempt } from '../../ui/hooks';

/**
 * An amount typed in major units ("12", "12.5", "12,50") in minor units; null when empty,
 * NaN when it is not a non-negative amount with at most two decimals.
 */
export function parseMoney(text: string): number | null {
  const trimmed = text.trim().replace(/\s/g, '').replace(',', '.');
  if (!trimmed) return null;
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return Number.NaN;
  return Math.round(Number(trimmed) * 100);
}

/** Minor units as typed in a form ("12.50"). */
export function minorToInput(minor: number): string {
  return (minor / 100).toFixed(2);
}

/** A VAT rate in basis points as a percentage ("20 %" / "20%"). */
export function formatRate(bps: number, lang: Lang): string {
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 2 }).format(
    bps / 10_000,
  );
}

/**
 * Runs a call as the current shopper: with a fresh access token when signed in (refreshing
 * it on a 401), without one for a visitor, whose cart rides on its cookie.
 */
export function asShopper<T>(
  signedIn: boolean,
  call: (token: string | null) => Promise<T>,
): Promise<T> {
  return signedIn ? authed((token) => call(token)) : call(null);
}

/** Sends a visitor to sign in, coming back to the current page afterwards. */
export function signInFirst(): void {
  const { pathname, search } = window.location;
  navigate(`/login?next=${encodeURIComponent(pathname + search)}`);
}

/** The number of units in the cart, for the "Cart (n)" links; null until known. */
const cartCount = createStore<number | null>(null);

/** Remembers the cart's size after any call that returned the cart. */
export function noteCart(cart: Pick<CartView, 'itemCount'>): void {
  cartCount.set(cart.itemCount);
}

export function useCartCount(): number | null {
  return useStore(cartCount);
}

// The promo code lives in this tab until checkout: the API previews it, checkout redeems it.
const PROMO_KEY = 'webox.shop.promo';

export function savedPromo(): string | null {
  try {
    return sessionStorage.getItem(PROMO_KEY);
  } catch {
    return null;
  }
}

export function savePromo(code: string | null): void {
  try {
    if (code) sessionStorage.setItem(PROMO_KEY, code);
    else sessionStorage.removeItem(PROMO_KEY);
  } catch {
    // Storage disabled: the code still applies on this page, checkout just will not see it.
  }
}

let mergedFor: string | null = null;

/**
 * Once per sign-in, moves the cart the visitor filled before signing in (its cookie) into
 * the account's cart; returns the merged cart, or null when this user was merged already.
 */
export async function mergeOnce(userId: string, lang: Lang): Promise<CartView | null> {
  if (mergedFor === userId) return null;
  const cart = await authed((token) => mergeCart(token, lang));
  mergedFor = userId;
  noteCart(cart);
  return cart;
}

const REFUSAL_KEYS: Record<PromoRefusal, MessageKey> = {
  unknown: 'shop.promo.refused.unknown',
  inactive: 'shop.promo.refused.inactive',
  not_started: 'shop.promo.refused.not_started',
  expired: 'shop.promo.refused.expired',
  used_up: 'shop.promo.refused.used_up',
  per_user_limit: 'shop.promo.refused.per_user_limit',
  currency_mismatch: 'shop.promo.refused.currency_mismatch',
  out_of_scope: 'shop.promo.refused.out_of_scope',
  below_minimum: 'shop.promo.refused.below_minimum',
};

/** The message key for a PROMO_REJECTED problem (its reason is errors[0].message), or null. */
export function promoRefusalKey(problem: ApiProblem): MessageKey | null {
  if (problem.problem.code !== 'PROMO_REJECTED') return null;
  const reason = problem.problem.errors?.[0]?.message;
  return reason && reason in REFUSAL_KEYS
    ? REFUSAL_KEYS[reason as PromoRefusal]
    : 'shop.promo.refused.out_of_scope';
}

/** A fresh idempotency key for one checkout or subscription attempt. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
