import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { invoices, orders, users } from '../../db/schema';
import type { Services } from '../platform/env';
import { mailTemplate } from '../platform/mail-templates';
import type { Mailer } from '../platform/mailer';
import { formatMoney } from './invoices';

/** What order e-mails need: the cron has no per-request services, only these. */
export interface OrderMailContext {
  db: Database;
  mailer: Mailer;
  appOrigin: string;
}

/** The mail context of a request. */
export function mailContext(services: Services): OrderMailContext {
  return { db: services.db, mailer: services.mailer, appOrigin: services.config.appOrigin };
}

const shortId = (orderId: string) => orderId.slice(0, 8).toUpperCase();

const confirmationMail = mailTemplate(
  (order: string, total: { fr: string; en: string }, invoice: string, link: string) => ({
    en: {
      subject: `Your WeBox order ${order} is confirmed`,
      body: `Thank you for your order ${order}: we received your payment of ${total.en} and everything in it is now yours.\n\nYour invoice ${invoice} can be downloaded from the order page:\n${link}`,
    },
    fr: {
      subject: `Votre commande WeBox ${order} est confirmée`,
      body: `Merci pour votre commande ${order} : nous avons bien reçu votre paiement de ${total.fr} et tout son contenu est à vous.\n\nVotre facture ${invoice} se télécharge depuis la page de la commande :\n${link}`,
    },
  }),
);

const transferMail = mailTemplate(
  (
    order: string,
    total: { fr: string; en: string },
    payee: { holder: string; iban: string; bic: string | null },
    reference: string,
    days: number,
    link: string,
  ) => {
    const bic = payee.bic ? `\nBIC : ${payee.bic}` : '';
    return {
      en: {
        subject: `WeBox order ${order}: your bank transfer details`,
        body: `To complete your order ${order}, transfer ${total.en} to:\n\nAccount holder: ${payee.holder}\nIBAN: ${payee.iban}${bic.replace(' :', ':')}\nReference: ${reference}\n\nWrite the reference exactly as shown so we can match your payment. The order is kept for ${days} days.\n${link}`,
      },
      fr: {
        subject: `Commande WeBox ${order} : vos coordonnées de virement`,
        body: `Pour finaliser votre commande ${order}, virez ${total.fr} à :\n\nTitulaire : ${payee.holder}\nIBAN : ${payee.iban}${bic}\nRéférence : ${reference}\n\nIndiquez la référence telle quelle pour que nous retrouvions votre paiement. La commande est conservée ${days} jours.\n${link}`,
      },
    };
  },
);

const reminderMail = mailTemplate(
  (
    order: string,
    reference: string,
    total: { fr: string; en: string },
    until: string,
    link: string,
  ) => ({
    en: {
      subject: `Reminder: WeBox order ${order} awaits your transfer`,
      body: `We have not received your transfer of ${total.en} for order ${order} (reference ${reference}) yet. Without it the order is cancelled on ${until}.\n${link}`,
    },
    fr: {
      subject: `Rappel : la commande WeBox ${order} attend votre virement`,
      body: `Nous n'avons pas encore reçu votre virement de ${total.fr} pour la commande ${order} (référence ${reference}). Sans lui, la commande sera annulée le ${until}.\n${link}`,
    },
  }),
);

const expiredMail = mailTemplate((order: string, link: string) => ({
  en: {
    subject: `WeBox order ${order} was cancelled`,
    body: `No payment reached us in time for order ${order}, so it was cancelled and nothing will be charged. You can order again at any time.\n${link}`,
  },
  fr: {
    subject: `La commande WeBox ${order} a été annulée`,
    body: `Aucun paiement ne nous est parvenu à temps pour la commande ${order} : elle a été annulée et rien ne vous sera débité. Vous pouvez commander de nouveau à tout moment.\n${link}`,
  },
}));

async function orderAndBuyer(db: Database, orderId: string) {
  const [row] = await db
    .select({ order: orders, email: users.email, name: users.name, locale: users.locale })
    .from(orders)
    .innerJoin(users, eq(users.id, orders.userId))
    .where(eq(orders.id, orderId));
  return row ?? null;
}

const totals = (minor: number, currency: string) => ({
  fr: formatMoney(minor, currency, 'fr'),
  en: formatMoney(minor, currency, 'en'),
});

/** The order-confirmation e-mail, with the link to the order page and its invoice. */
export async function sendOrderConfirmation(
  services: Services,
  orderId: string,
  invoiceId: string,
): Promise<void> {
  const ctx = mailContext(services);
  const row = await orderAndBuyer(ctx.db, orderId);
  const [invoice] = await ctx.db
    .select({ number: invoices.number })
    .from(invoices)
    .where(eq(invoices.id, invoiceId));
  if (!row || !invoice) return;
  await ctx.mailer.send(
    confirmationMail(
      row.email,
      row.name,
      row.locale,
      shortId(orderId),
      totals(row.order.totalMinor, row.order.currency),
      invoice.number,
      `${ctx.appOrigin}/orders/${orderId}`,
    ),
  );
}

/** The bank details and reference to pay a bank-transfer order, sent at checkout. */
export async function sendTransferInstructions(
  ctx: OrderMailContext,
  orderId: string,
  payee: { holder: string; iban: string; bic: string | null },
  days: number,
): Promise<void> {
  const row = await orderAndBuyer(ctx.db, orderId);
  if (!row?.order.bankReference) return;
  await ctx.mailer.send(
    transferMail(
      row.email,
      row.name,
      row.locale,
      shortId(orderId),
      totals(row.order.totalMinor, row.order.currency),
      payee,
      row.order.bankReference,
      days,
      `${ctx.appOrigin}/orders/${orderId}`,
    ),
  );
}

/** A reminder that a bank-transfer order still waits for its money. */
export async function sendTransferReminder(ctx: OrderMailContext, orderId: string): Promise<void> {
  const row = await orderAndBuyer(ctx.db, orderId);
  if (!row?.order.bankReference) return;
  const locale = row.locale === 'en' ? 'en' : 'fr';
  const until = row.order.expiresAt
    ? row.order.expiresAt.toISOString().slice(0, 10)
    : locale === 'en'
      ? 'soon'
      : 'bientôt';
  await ctx.mailer.send(
    reminderMail(
      row.email,
      row.name,
      row.locale,
      shortId(orderId),
      row.order.bankReference,
      totals(row.order.totalMinor, row.order.currency),
      until,
      `${ctx.appOrigin}/orders/${orderId}`,
    ),
  );
}

/** Tells the buyer an unpaid order was cancelled when it expired. */
export async function sendOrderExpired(ctx: OrderMailContext, orderId: string): Promise<void> {
  const row = await orderAndBuyer(ctx.db, orderId);
  if (!row) return;
  await ctx.mailer.send(
    expiredMail(
      row.email,
      row.name,
      row.locale,
      shortId(orderId),
      `${ctx.appOrigin}/orders/${orderId}`,
    ),
  );
}
