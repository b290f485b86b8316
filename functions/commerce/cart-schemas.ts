import { z } from '@hono/zod-openapi';
import { MAX_LINE_QUANTITY } from '../../durable-objects/cart';
import { PRODUCT_KINDS, STOCK_STATES } from './schemas';

const quantityField = z
  .number()
  .int('Use a whole number')
  .max(MAX_LINE_QUANTITY, `Use at most ${MAX_LINE_QUANTITY}`);

export const CartItemAddSchema = z
  .strictObject({
    productId: z.uuid(),
    quantity: quantityField.min(1, 'Add at least 1').default(1).openapi({ example: 1 }),
  })
  .openapi('CartItemAdd');

export const CartQuantitySchema = z
  .strictObject({
    quantity: quantityField.min(0, 'Use 0 to remove the line').openapi({ example: 2 }),
  })
  .openapi('CartQuantity');

export const CartProductParamSchema = z.object({
  productId: z.uuid().openapi({ param: { name: 'productId', in: 'path' } }),
});

const WarningSchema = z
  .object({
    code: z.enum(['unavailable', 'inactive', 'currency_mismatch', 'over_stock', 'price_changed']),
    message: z.string(),
    currency: z.string().optional(),
    available: z.number().int().optional(),
    fromMinor: z.number().int().optional(),
    toMinor: z.number().int().optional(),
  })
  .openapi('CartLineWarning');

const CartLineSchema = z
  .object({
    productId: z.string(),
    quantity: z.number().int(),
    product: z
      .object({
        id: z.uuid(),
        slug: z.string(),
        kind: z.enum(PRODUCT_KINDS),
        name: z.string(),
        priceMinor: z.number().int(),
        currency: z.string(),
        imageUrl: z.string().nullable(),
        stockState: z.enum(STOCK_STATES),
        stock: z.number().int().nullable(),
        active: z.boolean(),
      })
      .nullable()
      .openapi({ description: 'Read from the catalog now; null when the product is gone' }),
    included: z.boolean().openapi({ description: 'Counted in the totals' }),
    unitPriceMinor: z.number().int(),
    lineSubtotalMinor: z.number().int(),
    discountMinor: z.number().int(),
    lineTotalMinor: z.number().int(),
    taxRateBps: z.number().int(),
    priceChanged: z
      .object({ fromMinor: z.number().int(), toMinor: z.number().int() })
      .nullable()
      .openapi({ description: 'The price moved since you added the line' }),
    warnings: z.array(WarningSchema),
  })
  .openapi('CartLine');

export const CartSchema = z
  .object({
    owner: z.enum(['user', 'visitor']),
    currency: z.string().nullable(),
    lines: z.array(CartLineSchema),
    itemCount: z.number().int(),
    subtotalMinor: z.number().int(),
    discountMinor: z.number().int(),
    needsShipping: z.boolean(),
    shippingMinor: z.number().int(),
    taxMinor: z.number().int().openapi({ description: 'VAT included in the total' }),
    totalMinor: z.number().int(),
    vat: z.array(
      z.object({
        rateBps: z.number().int(),
        grossMinor: z.number().int(),
        netMinor: z.number().int(),
        vatMinor: z.number().int(),
      }),
    ),
    ready: z.boolean().openapi({ description: 'Something to buy and no line above its stock' }),
    promo: z
      .object({
        code: z.string(),
        kind: z.string(),
        discountMinor: z.number().int(),
        freeShipping: z.boolean(),
      })
      .nullable(),
  })
  .openapi('Cart');

export const CartMergedSchema = CartSchema.extend({
  merged: z.number().int().openapi({ description: 'Lines taken from the anonymous cart' }),
}).openapi('CartMerged');
