import { rule } from '../platform/rate-limit';

/** Checkouts per account: each one may open a payment at a provider. */
export const CHECKOUT_RULE = rule('checkout', 30, 3600);
/** Order changes by their buyer (cancel, PayPal capture). */
export const ORDER_WRITE_RULE = rule('order-write', 60, 3600);
/** Order administration (confirm transfers, refunds, exports), per admin. */
export const ORDER_ADMIN_RULE = rule('order-admin', 1000, 3600);
/** Plan subscription changes per account. */
export const PLAN_WRITE_RULE = rule('plan-write', 30, 3600);
