import { and, eq, gt, lt, notExists, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { orderEvents, orders } from '../../db/schema';
import type { Secrets } from '../platform/env';
import type { Logger } from '../platform/logging';
import { cancelPendingOrder } from './fulfilment';
import { type OrderMailContext, sendOrderExpired, sendTransferReminder } from './orders-mail';

/** A bank-transfer order waits this long for the money, then is cancelled. */
export const BANK_TRANSFER_DAYS = 7;
/** The buyer is reminded once, this long after ordering. */
export const REMINDER_AFTER_DAYS = 3;
/** Card and PayPal orders are cancelled this long after they expire (a late webhook's margin). */
const ONLINE_GRACE_MS = 15 * 60 * 1000;
/** Orders handled per cron run and kind; the next run takes the rest. */
const SWEEP_BATCH = 100;

export const REMINDER_NOTE = 'Transfer reminder sent';
export const EXPIRED_NOTE = 'Expired: no payment received in time';

export type BankSecrets = Pick<Secrets, 'BANK_IBAN' | 'BANK_BIC' | 'BANK_HOLDER'>;

export interface Payee {
  holder: string;
  iban: string;
  bic: string | null;
}

/** The variables bank transfer needs that are not set (the BIC is optional). */
export function missingBankSettings(secrets: BankSecrets): string[] {
  const missing: string[] = [];
  if (!secrets.BANK_IBAN) missing.push('BANK_IBAN');
  if (!secrets.BANK_HOLDER) missing.push('BANK_HOLDER');
  return missing;
}

/** The account to pay, IBAN grouped by four as it is printed on statements. */
export function payeeFrom(secrets: BankSecrets): Payee | null {
  if (!secrets.BANK_IBAN || !secrets.BANK_HOLDER) return null;
  const compact = secrets.BANK_IBAN.replace(/\s+/g, '').toUpperCase();
  return {
    holder: secrets.BANK_HOLDER,
    iban: compact.replace(/(.{4})(?=.)/g, '$1 '),
    bic: secrets.BANK_BIC?.trim().toUpperCase() ?? null,
  };
}

/** No 0/O, 1/I/L: a reference read aloud or retyped from a statement stays unambiguous. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * A new transfer reference, `WBX-XXXX-XXXX` (31^8 ≈ 8.5 × 10^11 values). The unique index
 * on orders.bank_reference is the guarantee; checkout retries on the rare collision.
 */
export function newBankReference(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  let code = '';
  for (const byte of bytes) {
    // 248 is the largest multiple of 31 below 256: rejecting above it keeps letters uniform.
    let value = byte;
    while (value >= 248) value = crypto.getRandomValues(new Uint8Array(1))[0] ?? 0;
    code += ALPHABET[value % ALPHABET.length];
  }
  return `WBX-${code.slice(0, 4)}-${code.slice(4)}`;
}

export interface BankInstructions extends Payee {
  reference: string;
  amountMinor: number;
  currency: string;
  expiresAt: string | null;
}

/** How to pay a bank-transfer order. */
export function instructionsFor(
  order: {
    bankReference: string | null;
    totalMinor: number;
    currency: string;
    expiresAt: Date | null;
  },
  payee: Payee,
): BankInstructions | null {
  if (!order.bankReference) return null;
  return {
    ...payee,
    reference: order.bankReference,
    amountMinor: order.totalMinor,
    currency: order.currency,
    expiresAt: order.expiresAt?.toISOString() ?? null,
  };
}

export interface OrderSweepResult {
  reminded: number;
  expired: number;
}

/**
 * The cron's pass over unpaid orders: bank-transfer orders waiting for REMINDER_AFTER_DAYS get
 * one reminder (marked by a history line, so it is sent once), and orders past their expiry
 * are cancelled, giving back stock and promo uses. Each cancellation is its own transaction
 * and skips orders paid meanwhile.
 */
export async function sweepPendingOrders(
  ctx: OrderMailContext,
  logger: Logger,
  now = new Date(),
): Promise<OrderSweepResult> {
  const { db } = ctx;
  const due = await db
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(
        eq(orders.status, 'pending'),
        eq(orders.paymentMethod, 'bank_transfer'),
        lt(orders.createdAt, new Date(now.getTime() - REMINDER_AFTER_DAYS * 86_400_000)),
        gt(orders.expiresAt, now),
        notExists(
          db
            .select({ one: sql`1` })
            .from(orderEvents)
            .where(and(eq(orderEvents.orderId, orders.id), eq(orderEvents.note, REMINDER_NOTE))),
        ),
      ),
    )
    .limit(SWEEP_BATCH);
  let reminded = 0;
  for (const { id } of due) {
    await db.insert(orderEvents).values({
      orderId: id,
      fromStatus: 'pending',
      toStatus: 'pending',
      actor: 'cron',
      note: REMINDER_NOTE,
    });
    try {
      await sendTransferReminder(ctx, id);
      reminded++;
    } catch (error) {
      logger.warn('transfer reminder failed', { orderId: id, error });
    }
  }

  const expired = await expiredOrders(db, now);
  let cancelled = 0;
  for (const order of expired) {
    const done = await db.transaction((tx) =>
      cancelPendingOrder(tx, order.id, 'cron', EXPIRED_NOTE),
    );
    if (!done) continue;
    cancelled++;
    if (order.paymentMethod === 'bank_transfer') {
      try {
        await sendOrderExpired(ctx, order.id);
      } catch (error) {
        logger.warn('order expiry mail failed', { orderId: order.id, error });
      }
    }
  }
  return { reminded, expired: cancelled };
}

function expiredOrders(db: Database, now: Date) {
  return db
    .select({ id: orders.id, paymentMethod: orders.paymentMethod })
    .from(orders)
    .where(
      and(
        eq(orders.status, 'pending'),
        or(
          and(eq(orders.paymentMethod, 'bank_transfer'), lt(orders.expiresAt, now)),
          lt(orders.expiresAt, new Date(now.getTime() - ONLINE_GRACE_MS)),
        ),
      ),
    )
    .limit(SWEEP_BATCH);
}
