import { createRouter } from '../platform/openapi';
import { adminCatalogRoutes } from './admin-catalog-routes';
import { cartRoutes } from './cart-routes';
import { checkoutRoutes } from './checkout-routes';
import { invoiceRoutes } from './invoices-routes';
import { adminOrderRoutes } from './orders-admin-routes';
import { orderRoutes } from './orders-routes';
import { planRoutes } from './plans-routes';
import { productRoutes } from './products-routes';
import { promoRoutes } from './promo-routes';
import { reviewRoutes } from './reviews-routes';
import { wishlistRoutes } from './wishlist-routes';

/**
 * The marketplace: catalog, reviews, wishlist, cart and promo codes, checkout, orders,
 * invoices and plans, with their admin side.
 */
export const commerceRoutes = createRouter()
  .route('/', productRoutes)
  .route('/', reviewRoutes)
  .route('/', wishlistRoutes)
  .route('/', cartRoutes)
  .route('/', promoRoutes)
  .route('/', adminCatalogRoutes)
  .route('/', checkoutRoutes)
  .route('/', orderRoutes)
  .route('/', adminOrderRoutes)
  .route('/', invoiceRoutes)
  .route('/', planRoutes);
