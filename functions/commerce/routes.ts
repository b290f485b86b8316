import { createRouter } from '../platform/openapi';
import { adminCatalogRoutes } from './admin-catalog-routes';
import { cartRoutes } from './cart-routes';
import { productRoutes } from './products-routes';
import { promoRoutes } from './promo-routes';
import { reviewRoutes } from './reviews-routes';
import { wishlistRoutes } from './wishlist-routes';

/** The marketplace, first half: catalog, reviews, wishlist, cart and promo codes. */
export const commerceRoutes = createRouter()
  .route('/', productRoutes)
  .route('/', reviewRoutes)
  .route('/', wishlistRoutes)
  .route('/', cartRoutes)
  .route('/', promoRoutes)
  .route('/', adminCatalogRoutes);
