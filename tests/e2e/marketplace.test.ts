import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createProduct, uniqueWord } from '../commerce/helpers';
import { createAdmin } from '../helpers/accounts';
import { call, json, PASSWORD, registerUser, type TestUser } from '../helpers/api';
import { png } from '../helpers/profile';
import {
  deliverStripeOk,
  paypalControl,
  paypalFakeUrl,
  payStripeSession,
  stripeFakeUrl,
} from '../payments/helpers';
import { launchBrowser, openSite } from './browser';

const TIMEOUT = { timeout: 15_000 };

async function expectHeading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor(TIMEOUT);
}

/** Signs in on the login page; the app then goes to `?next=` or the dashboard. */
async function logIn(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function signedInPage(browser: Browser, user: TestUser, path: string) {
  const opened = await openSite(browser);
  await opened.page.goto('/login');
  await expectHeading(opened.page, 'Log in');
  await logIn(opened.page, user.email);
  await expectHeading(opened.page, /^Hello/);
  await opened.page.goto(path);
  return opened;
}

/** A percent promo code made through the admin API. */
async function percentCode(admin: TestUser, percent: number): Promise<string> {
  const code = uniqueWord('E2E').toUpperCase();
  const res = await call('/api/admin/promo-codes', {
    token: admin.accessToken,
    json: { code, kind: 'percent', value: percent },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return code;
}

describe('marketplace, cart, checkout and orders in the browser', () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
  });

  test('admin adds a product; a visitor finds it, fills a cart with a promo code, signs in and pays by transfer; the admin confirms; the invoice downloads', async () => {
    const admin = await createAdmin();
    const buyer = await registerUser({ name: 'Bea Buyer' });
    const word = uniqueWord('lumen');
    const name = `Lumen ${word} guide`;
    const code = await percentCode(admin, 10);

    // The administrator creates the product, with an image, on the admin page.
    const adminSide = await signedInPage(browser, admin, '/admin/products');
    contexts.push(adminSide.context);
    const adminPage = adminSide.page;
    await expectHeading(adminPage, 'Products');
    await adminPage.getByRole('button', { name: 'New product' }).click();
    const form = adminPage.getByRole('form', { name: 'New product' });
    await form.getByLabel('Slug (address)').fill(word);
    await form.getByLabel('Name (French)').fill(`Guide ${word} Lumen`);
    await form.getByLabel('Name (English)').fill(name);
    await form.getByLabel('Description (English)').fill(`Everything about ${word} prompts.`);
    await form.getByLabel('Price', { exact: true }).fill('abc');
    await form.getByRole('button', { name: 'Create' }).click();
    await form.getByText('Enter an amount like 19.90.').waitFor(TIMEOUT);
    await form.getByLabel('Price', { exact: true }).fill('24.00');
    await form.getByRole('button', { name: 'Create' }).click();
    await adminPage.getByText(`${name} was created. Add its images below.`).waitFor(TIMEOUT);
    await adminPage
      .getByLabel('Add an image (PNG, JPEG, WebP or GIF, 5 MB at most)')
      .setInputFiles({ name: 'cover.png', mimeType: 'image/png', buffer: png(64, 48) });
    await adminPage.getByRole('img', { name: `${name}, image 1` }).waitFor(TIMEOUT);
    await adminPage
      .getByRole('row', { name: new RegExp(name) })
      .getByText('€24.00')
      .waitFor(TIMEOUT);

    // A visitor, not signed in, searches the marketplace and opens the product.
    const visitor = await openSite(browser);
    contexts.push(visitor.context);
    const page = visitor.page;
    await page.goto('/marketplace');
    await expectHeading(page, 'Marketplace');
    await page.getByLabel('Search').fill(word);
    const card = page.getByRole('listitem').filter({ hasText: name });
    await card.waitFor(TIMEOUT);
    await page.getByText('Products found: 1').waitFor(TIMEOUT);
    expect(await card.getByText('€24.00').count()).toBe(1);
    await expect
      .poll(
        () => card.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth),
        TIMEOUT,
      )
      .toBe(64);
    await card.getByRole('link', { name }).click();
    await expectHeading(page, name);
    expect(page.url()).toContain(`/marketplace?product=${word}`);
    await page.getByLabel('Quantity').fill('2');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText(`2 × ${name} added to your cart.`).waitFor(TIMEOUT);
    await page.getByRole('link', { name: 'View cart' }).click();
    await expectHeading(page, 'Cart');
    const summary = page.getByRole('complementary', { name: 'Order summary' });
    await summary.getByText('€48.00').first().waitFor(TIMEOUT);
    await page.getByRole('button', { name: `One more ${name}` }).click();
    await summary.getByText('€72.00').first().waitFor(TIMEOUT);
    expect(await page.getByLabel(`Quantity of ${name}`).inputValue()).toBe('3');
    await page.getByRole('button', { name: `One less ${name}` }).click();
    await summary.getByText('€48.00').first().waitFor(TIMEOUT);

    // A wrong code is refused in plain words; the real one takes 10 % off.
    await page.getByLabel('Promo code').fill('NOPE-123');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('The code NOPE-123 does not exist.').waitFor(TIMEOUT);
    await page.getByLabel('Promo code').fill(code.toLowerCase());
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText(`Code ${code} applied: you save €4.80.`).waitFor(TIMEOUT);
    const totals = summary.getByRole('definition');
    await expect
      .poll(() => totals.allTextContents(), TIMEOUT)
      .toEqual(['€48.00', '−€4.80', '€7.20', '€43.20', '€7.20']);
    await summary.getByText('VAT 20% on €36.00').waitFor(TIMEOUT);

    // Signing in to check out brings the visitor's cart (and the code) into the account.
    await page.getByRole('button', { name: 'Sign in to check out' }).click();
    await expectHeading(page, 'Log in');
    await logIn(page, buyer.email);
    await expectHeading(page, 'Checkout');
    const orderSummary = page.getByRole('complementary', { name: 'Order summary' });
    await orderSummary.getByText(`2 × ${name}`).waitFor(TIMEOUT);
    await orderSummary.getByText(`Discount (${code})`).waitFor(TIMEOUT);
    expect(await page.getByLabel('Name or company').inputValue()).toBe('Bea Buyer');
    await page.getByLabel('Bank transfer').check();
    await page.getByRole('button', { name: 'Place order · €43.20' }).click();
    await expectHeading(page, 'Order placed');
    const transfer = page.getByRole('region', { name: 'Pay by bank transfer' });
    await transfer.getByText('FR76 3000 6000 0112 3456 7890 189').waitFor(TIMEOUT);
    await transfer.getByText('WeBox Test SAS').waitFor(TIMEOUT);
    const reference = (await transfer.locator('.shop-reference').textContent()) ?? '';
    expect(reference).toMatch(/^WBX-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await page.getByRole('link', { name: 'View the order' }).click();
    await page.getByText('Awaiting payment').first().waitFor(TIMEOUT);

    const cart = await json<{ itemCount: number }>(
      await call('/api/cart', { token: buyer.accessToken, ip: buyer.ip }),
    );
    expect(cart.itemCount).toBe(0);

    // The administrator finds the order by its reference and confirms the transfer.
    await adminPage.goto('/admin/orders');
    await expectHeading(adminPage, 'Customer orders');
    await adminPage.getByLabel('Search').fill(reference);
    await adminPage.getByRole('button', { name: 'Search' }).click();
    await adminPage.getByText('Orders found: 1').waitFor(TIMEOUT);
    await adminPage.getByRole('button', { name: /^Details of order/ }).click();
    await adminPage.getByRole('button', { name: 'Confirm the transfer arrived' }).click();
    await adminPage
      .getByText('The transfer is confirmed: the order is paid and fulfilled.')
      .waitFor(TIMEOUT);

    // The buyer sees the order fulfilled and downloads its invoice.
    await page.reload();
    await page.getByText('Fulfilled').first().waitFor(TIMEOUT);
    const download = page.getByRole('button', { name: /^Download .* \(PDF\)$/ });
    await download.waitFor(TIMEOUT);
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    expect(file.suggestedFilename()).toMatch(/^webox-.+\.pdf$/);
    const path = await file.path();
    const bytes = await readFile(path);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    await page.getByText(`Discount (${code})`).waitFor(TIMEOUT);
  });

  test('wishlist: add from the marketplace, see it listed, remove it; a non-buyer cannot review', async () => {
    const admin = await createAdmin();
    const word = uniqueWord('wish');
    const product = await createProduct(admin, {
      slug: word,
      nameEn: `Wish ${word}`,
      nameFr: `Souhait ${word}`,
      kind: 'physical',
      stock: 3,
      priceMinor: 1500,
    });
    const buyer = await registerUser({ name: 'Wanda Wish' });
    const { context, page } = await signedInPage(
      browser,
      buyer,
      `/marketplace?q=${encodeURIComponent(word)}`,
    );
    contexts.push(context);
    await expectHeading(page, 'Marketplace');
    const card = page.getByRole('listitem').filter({ hasText: product.nameEn });
    await card.getByText('Only 3 left').waitFor(TIMEOUT);
    const heart = card.getByRole('button', { name: `Add ${product.nameEn} to the wishlist` });
    await heart.click();
    await card
      .getByRole('button', { name: `Remove ${product.nameEn} from the wishlist`, pressed: true })
      .waitFor(TIMEOUT);

    await page.goto('/wishlist');
    await expectHeading(page, 'Wishlist');
    const listed = page.getByRole('listitem').filter({ hasText: product.nameEn });
    await listed.getByText('€15.00').waitFor(TIMEOUT);
    const stored = await json<{ items: Array<{ product: { id: string } }> }>(
      await call('/api/wishlist', { token: buyer.accessToken, ip: buyer.ip }),
    );
    expect(stored.items.map((item) => item.product.id)).toEqual([product.id]);

    await listed
      .getByRole('button', { name: `Remove ${product.nameEn} from the wishlist` })
      .click();
    await page.getByText(`${product.nameEn} was removed from your wishlist.`).waitFor(TIMEOUT);
    await page.getByText('Your wishlist is empty.', { exact: false }).waitFor(TIMEOUT);
    await page.getByRole('button', { name: 'Français' }).click();
    await expectHeading(page, 'Liste d’envies');
    await page.getByText('Votre liste d’envies est vide.', { exact: false }).waitFor(TIMEOUT);
    await page.getByRole('button', { name: 'English' }).click();
    const after = await json<{ items: unknown[] }>(
      await call('/api/wishlist', { token: buyer.accessToken, ip: buyer.ip }),
    );
    expect(after.items).toEqual([]);

    // The product page shows the heart off again, and refuses a review from a non-buyer.
    await page.goto(`/marketplace?product=${word}`);
    await expectHeading(page, product.nameEn);
    await page
      .getByRole('button', { name: `Add ${product.nameEn} to the wishlist`, pressed: false })
      .waitFor(TIMEOUT);
    await page.getByText('No reviews yet').first().waitFor(TIMEOUT);
    await page.getByLabel('4 stars').check();
    await page.getByLabel('Your review (optional)').fill('Looks nice.');
    await page.getByRole('button', { name: 'Send review' }).click();
    await page.getByText('Only buyers of this product can review it.').waitFor(TIMEOUT);
  });

  test('a card payment through Stripe: redirect to its page, paid there, the order shows fulfilled', async () => {
    const admin = await createAdmin();
    const product = await createProduct(admin, {
      nameEn: `Card ${uniqueWord('card')}`,
      priceMinor: 1990,
    });
    const buyer = await registerUser({ name: 'Carl Card' });
    const added = await call('/api/cart/items?locale=en', {
      token: buyer.accessToken,
      ip: buyer.ip,
      json: { productId: product.id, quantity: 1 },
    });
    expect(added.status, await added.clone().text()).toBe(200);

    const { context, page } = await signedInPage(browser, buyer, '/checkout');
    contexts.push(context);
    await expectHeading(page, 'Checkout');
    await page.getByLabel('Card (Stripe)').check();
    await page.getByRole('button', { name: 'Place order · €19.90' }).click();
    await page.waitForURL(/\/pay\/cs_test_/, TIMEOUT);
    expect(page.url().startsWith(stripeFakeUrl())).toBe(true);
    const sessionId = new URL(page.url()).pathname.split('/').pop() ?? '';

    // The buyer pays on Stripe's page; Stripe reports it with a signed webhook.
    const paid = await payStripeSession(sessionId);
    const orderId = String(paid.session.client_reference_id);
    expect(String(paid.session.success_url)).toContain(`/orders/${orderId}?payment=success`);
    await deliverStripeOk('checkout.session.completed', paid.session);

    // Back on the site, by the path the success URL names.
    await page.goto(`/orders/${orderId}?payment=success`);
    await page.waitForURL(new RegExp(`/orders\\?id=${orderId}&payment=success$`), TIMEOUT);
    await expectHeading(page, `Order ${orderId.slice(0, 8).toUpperCase()}`);
    await page.getByText('Fulfilled').first().waitFor(TIMEOUT);
    await page.getByText('Card (Stripe)').first().waitFor(TIMEOUT);

    await page.goto('/orders');
    await expectHeading(page, 'Orders');
    const row = page.getByRole('row', { name: new RegExp(orderId.slice(0, 8).toUpperCase()) });
    await row.getByText('€19.90').waitFor(TIMEOUT);
    await row.getByText('Fulfilled').waitFor(TIMEOUT);
  });

  test('a PayPal payment: approve on PayPal, come back, the capture fulfils the order', async () => {
    const admin = await createAdmin();
    const product = await createProduct(admin, {
      nameEn: `Pal ${uniqueWord('pal')}`,
      priceMinor: 1250,
    });
    const buyer = await registerUser({ name: 'Paula Pal' });
    const added = await call('/api/cart/items?locale=en', {
      token: buyer.accessToken,
      ip: buyer.ip,
      json: { productId: product.id, quantity: 1 },
    });
    expect(added.status, await added.clone().text()).toBe(200);

    const { context, page } = await signedInPage(browser, buyer, '/checkout');
    contexts.push(context);
    await expectHeading(page, 'Checkout');
    await page.getByLabel('PayPal').check();
    await page
      .getByText('You will approve the payment on PayPal, then come back here.')
      .waitFor(TIMEOUT);
    await page.getByRole('button', { name: 'Place order · €12.50' }).click();
    await page.waitForURL(/\/checkoutnow\?token=/, TIMEOUT);
    expect(page.url().startsWith(paypalFakeUrl())).toBe(true);
    const token = new URL(page.url()).searchParams.get('token') ?? '';
    await paypalControl(`/__orders/${token}/approve`);

    const orders = await json<{ items: Array<{ id: string; status: string }> }>(
      await call('/api/orders', { token: buyer.accessToken, ip: buyer.ip }),
    );
    const orderId = orders.items[0]?.id ?? '';
    expect(orders.items[0]?.status).toBe('pending');

    // PayPal sends the buyer back to the return page, which captures the payment.
    await page.goto(`/checkout/paypal/return?order=${orderId}`);
    await page.waitForURL(new RegExp(`/orders\\?id=${orderId}&payment=success$`), TIMEOUT);
    await page.getByText('Fulfilled').first().waitFor(TIMEOUT);
    await page.getByText('PayPal').first().waitFor(TIMEOUT);
  });

  test('pricing is public; subscribing after sign-in opens Stripe’s page', async () => {
    const admin = await createAdmin();
    const plan = await createProduct(admin, {
      kind: 'plan',
      plan: 'pro',
      billingInterval: 'month',
      stripePriceId: `price_e2e_${uniqueWord()}`,
      priceMinor: 1900,
      nameEn: 'Pro monthly',
      nameFr: 'Pro mensuel',
    });
    expect(plan.plan).toBe('pro');
    const buyer = await registerUser({ name: 'Pia Plan' });

    const { context, page } = await openSite(browser);
    contexts.push(context);
    await page.goto('/pricing');
    await expectHeading(page, 'Pricing');
    const pro = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: /^Pro/ }) });
    await pro.getByText('€19.00').waitFor(TIMEOUT);
    await pro.getByText(/tokens a day$/).waitFor(TIMEOUT);
    await pro.getByRole('button', { name: 'Sign in to subscribe' }).click();
    await expectHeading(page, 'Log in');
    await logIn(page, buyer.email);
    await expectHeading(page, 'Pricing');
    await page.getByText('Your plan').waitFor(TIMEOUT);
    await page.getByRole('button', { name: 'Choose Pro' }).click();
    await page.waitForURL(/\/pay\/cs_test_/, TIMEOUT);
    expect(page.url().startsWith(stripeFakeUrl())).toBe(true);
  });

  test('admin promo codes: create, withdraw, and read the statistics', async () => {
    const admin = await createAdmin();
    const code = uniqueWord('SPRING').toUpperCase();
    const { context, page } = await signedInPage(browser, admin, '/admin/promos');
    contexts.push(context);
    await expectHeading(page, 'Promo codes');
    await page.getByRole('button', { name: 'New promo code' }).click();
    const form = page.getByRole('form', { name: 'New promo code' });
    await form.getByLabel('Code', { exact: true }).fill(code.toLowerCase());
    await form.getByLabel('Percentage off').fill('150');
    await form.getByRole('button', { name: 'Create' }).click();
    await form
      .getByText('A percent code takes a value from 1 to 100', { exact: true })
      .waitFor(TIMEOUT);
    await form.getByLabel('Percentage off').fill('15');
    await form.getByLabel('Total uses (optional)').fill('50');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByText(`The code ${code} was created.`).waitFor(TIMEOUT);
    const row = page.getByRole('row', { name: new RegExp(code) });
    await row.getByText('−15 %').waitFor(TIMEOUT);
    await row.getByText('0 / 50').waitFor(TIMEOUT);

    await row.getByRole('button', { name: 'Withdraw' }).click();
    await row.getByText('Withdrawn').waitFor(TIMEOUT);
    await row.getByRole('button', { name: `Statistics of ${code}` }).click();
    const stats = page.getByRole('region', { name: `Statistics of ${code}` });
    await stats.getByText('0 orders, 0 paid').waitFor(TIMEOUT);

    const list = await json<{ items: Array<{ code: string; active: boolean; value: number }> }>(
      await call('/api/admin/promo-codes', { token: admin.accessToken }),
    );
    expect(list.items.find((item) => item.code === code)).toMatchObject({
      active: false,
      value: 15,
    });
  });
});
