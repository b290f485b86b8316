import { DurableObject } from 'cloudflare:workers';
import { migrate, sqlTag } from './sql';

export interface CartLine {
  productId: string;
  quantity: number;
  addedAt: number;
  /** The unit price (minor units) the buyer last saw for this line; null when not recorded. */
  priceSeenMinor: number | null;
}

/** A line to fold into a cart: a price seen and a per-line ceiling are optional. */
export interface CartLineInput {
  productId: string;
  quantity: number;
  priceSeenMinor?: number | null;
  /** The most this line may hold after the merge (plans: 1); capped at MAX_LINE_QUANTITY. */
  maxQuantity?: number;
}

/** What `add` did: refused lines leave the cart as it was. */
export type AddOutcome =
  | { ok: true; lines: CartLine[] }
  | { ok: false; reason: 'limit'; current: number; lines: CartLine[] }
  | { ok: false; reason: 'full'; lines: CartLine[] };

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
  'ALTER TABLE items ADD COLUMN price_seen INTEGER',
];

type Row = {
  product_id: string;
  quantity: number;
  added_at: number;
  price_seen: number | null;
};

/**
 * One cart per user (or anonymous visitor). The object is the single writer, so two tabs
 * adding at once are serialised and neither update is lost. It stores only product ids,
 * quantities and the price the buyer last saw: prices are always re-read from Postgres
 * when totals are computed, the stored one only tells that a price changed since.
 */
export class Cart extends DurableObject<Env> {
  private readonly sql = sqlTag(this.ctx.storage);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void migrate(ctx, SCHEMA);
  }

  /** The cart's lines, oldest first. */
  async list(): Promise<CartLine[]> {
    return this.lines();
  }

  /** Adds `quantity` of a product (capped per line); returns the new cart. */
  async addItem(productId: string, quantity: number): Promise<CartLine[]> {
    this.upsert({ productId, quantity });
    return this.lines();
  }

  /**
   * Adds `quantity` of a product unless the line would then hold more than `maxQuantity`
   * (stock left, 1 for a plan) or the cart is full: check and write happen in one step,
   * so two tabs cannot both pass the check. Records `priceSeenMinor` as the price seen.
   */
  async add(
    productId: string,
    quantity: number,
    options: { priceSeenMinor: number; maxQuantity: number },
  ): Promise<AddOutcome> {
    assertQuantity(quantity);
    const current = this.row(productId)?.quantity ?? 0;
    if (current + quantity > Math.min(options.maxQuantity, MAX_LINE_QUANTITY)) {
      return { ok: false, reason: 'limit', current, lines: this.lines() };
    }
    if (current === 0 && this.count() >= MAX_LINES) {
      return { ok: false, reason: 'full', lines: this.lines() };
    }
    this.upsert({ productId, quantity, priceSeenMinor: options.priceSeenMinor });
    return { ok: true, lines: this.lines() };
  }

  private row(productId: string): Row | undefined {
    return this
      .sql<Row>`SELECT product_id, quantity, added_at, price_seen FROM items WHERE product_id = ${productId}`[0];
  }

  private lines(): CartLine[] {
    return this
      .sql<Row>`SELECT product_id, quantity, added_at, price_seen FROM items ORDER BY added_at, product_id`.map(
      (row) => ({
        productId: row.product_id,
        quantity: row.quantity,
        addedAt: row.added_at,
        priceSeenMinor: row.price_seen,
      }),
    );
  }

  private upsert(line: CartLineInput): void {
    assertQuantity(line.quantity);
    const now = Date.now();
    const existing = this.row(line.productId);
    if (!existing && this.count() >= MAX_LINES) {
      throw new RangeError(`A cart holds at most ${MAX_LINES} different products`);
    }
    const ceiling = Math.min(line.maxQuantity ?? MAX_LINE_QUANTITY, MAX_LINE_QUANTITY);
    const next = Math.max(1, Math.min(ceiling, (existing?.quantity ?? 0) + line.quantity));
    const price = line.priceSeenMinor ?? null;
    this
      .sql`INSERT INTO items (product_id, quantity, added_at, updated_at, price_seen) VALUES (${line.productId}, ${next}, ${now}, ${now}, ${price})
      ON CONFLICT(product_id) DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at,
        price_seen = COALESCE(excluded.price_seen, items.price_seen)`;
  }

  /**
   * Sets a line's quantity; 0 removes it. A price given is recorded as the price seen: the
   * buyer changed the line while looking at the current price.
   */
  async setQuantity(
    productId: string,
    quantity: number,
    priceSeenMinor?: number,
  ): Promise<CartLine[]> {
    if (quantity === 0) return this.removeItem(productId);
    assertQuantity(quantity);
    const price = priceSeenMinor ?? null;
    this.sql`UPDATE items SET quantity = ${quantity}, updated_at = ${Date.now()},
      price_seen = COALESCE(${price}, price_seen) WHERE product_id = ${productId}`;
    return this.lines();
  }

  /** Removes a product from the cart. */
  async removeItem(productId: string): Promise<CartLine[]> {
    this.sql`DELETE FROM items WHERE product_id = ${productId}`;
    return this.lines();
  }

  /** Empties the cart (after checkout, or on request). */
  async clear(): Promise<void> {
    this.sql`DELETE FROM items`;
  }

  /**
   * Returns every line and empties the cart in one step, so a cart folded into another
   * (an anonymous cart on sign-in) is handed over once even if two merges race.
   */
  async drain(): Promise<CartLine[]> {
    return this.ctx.storage.transactionSync(() => {
      const lines = this.lines();
      this.sql`DELETE FROM items`;
      return lines;
    });
  }

  /** Folds another cart's lines into this one (an anonymous cart on sign-in); all or nothing. */
  async merge(lines: CartLineInput[]): Promise<CartLine[]> {
    this.ctx.storage.transactionSync(() => {
      for (const line of lines) this.upsert(line);
    });
    return this.lines();
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
