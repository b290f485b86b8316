import { rule } from '../platform/rate-limit';

/** Cart writes, per account or per IP for anonymous carts: generous, a cart is clicky. */
export const CART_WRITE_RULE = rule('cart-write', 600, 3600);
/** Promo previews: low enough that guessing codes is pointless. */
export const PROMO_TRY_RULE = rule('promo-try', 30, 900);
export const REVIEW_WRITE_RULE = rule('review-write', 30, 3600);
export const WISHLIST_WRITE_RULE = rule('wishlist-write', 300, 3600);
/** Catalog, category, review moderation and promo-code administration, per admin. */
export const CATALOG_ADMIN_RULE = rule('catalog-admin', 1000, 3600);
export const PRODUCT_IMAGE_RULE = rule('product-image', 200, 3600);
