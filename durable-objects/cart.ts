import { DurableObject } from 'cloudflare:workers';
import { migrate, sqlTag } from './sql';

export interface CartLine {
  productId: string;
  quantity: number;
  addedAt: number;
}

/** The most of one product a cart may hold; stock is checked again at checkout. */
export const MAX_LINE_QUANTITY = 99;
/** The most distinct products in one cart. */
export const MAX_LINES = 100;

const SCHEMA = [
  `CREATE TABLE items (
     product_id TEXT PRIMARY KEY,
     quantity INTEGER NOT NULL CHECK (quantity > 0),
     added_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   )`,
];

type Row = { product_id: string; quantity: number; added_at: number };

/**
 * One cart per user (or anonymous visitor). The object is the single writer, so two tabs
 * adding at once are serialised and neither update is lost. It stores only product ids
 * and quantities: prices are always re-read from Postgres when totals are computed.
 */
export class Cart extends DurableObject<Env> {
  private readonly sql = sqlTag(this.ctx.storage);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void migrate(ctx, SCHEMA);
  }

  /** The cart's lines, oldest first. */
  async list(): Promise<CartLine[]> {
    return this
      .sql<Row>`SELECT product_id, quantity, added_at FROM items ORDER BY added_at, product_id`.map(
      (row) => ({ productId: row.product_id, quantity: row.quantity, addedAt: row.added_at }),
    );
  }

  /** Adds `quantity` of a product (capped per line); returns the new cart. */
  async addItem(productId: string, quantity: number): Promise<CartLine[]> {
    this.upsert(productId, quantity);
    return this.list();
  }

  private upsert(productId: string, quantity: number): void {
    assertQuantity(quantity);
    const now = Date.now();
    const existing = this
      .sql<Row>`SELECT product_id, quantity, added_at FROM items WHERE product_id = ${productId}`[0];
    if (!existing && this.count() >= MAX_LINES) {
      throw new RangeError(`A cart holds at most ${MAX_LINES} different products`);
    }
    const next = Math.min(MAX_LINE_QUANTITY, (existing?.quantity ?? 0) + quantity);
    this
      .sql`INSERT INTO items (product_id, quantity, added_at, updated_at) VALUES (${productId}, ${next}, ${now}, ${now})
      ON CONFLICT(product_id) DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at`;
  }

  /** Sets a line's quantity; 0 removes it. */
  async setQuantity(productId: string, quantity: number): Promise<CartLine[]> {
    if (quantity === 0) return this.removeItem(productId);
    assertQuantity(quantity);
    this
      .sql`UPDATE items SET quantity = ${quantity}, updated_at = ${Date.now()} WHERE product_id = ${productId}`;
    return this.list();
  }

  /** Removes a product from the cart. */
  async removeItem(productId: string): Promise<CartLine[]> {
    this.sql`DELETE FROM items WHERE product_id = ${productId}`;
    return this.list();
  }

  /** Empties the cart (after checkout, or on request). */
  async clear(): Promise<void> {
    this.sql`DELETE FROM items`;
  }

  /** Folds another cart's lines into this one (an anonymous cart on sign-in). */
  async merge(lines: Pick<CartLine, 'productId' | 'quantity'>[]): Promise<CartLine[]> {
    this.ctx.storage.transactionSync(() => {
      for (const line of lines) this.upsert(line.productId, line.quantity);
    });
    return this.list();
  }

  private count(): number {
    return this.sql<{ n: number }>`SELECT COUNT(*) AS n FROM items`[0]?.n ?? 0;
  }
}

function assertQuantity(quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) {
    throw new RangeError(`Quantity must be a whole number from 1 to ${MAX_LINE_QUANTITY}`);
  }
}
