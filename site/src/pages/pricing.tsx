import { useState } from 'preact/hooks';
import type { ApiProblem } from '../api/client';
import {
  cancelSubscription,
  listPlans,
  mySubscription,
  type PlanOffer,
  subscribe,
} from '../api/shop';
import { authed, useSession } from '../auth';
import { newIdempotencyKey, signInFirst } from '../components/shop/shop';
import { ShopPage } from '../components/shop/widgets';
import { type MessageKey, useI18n } from '../i18n';
import { useLocation } from '../router';
import {
  attempt,
  formatDate,
  formatMoney,
  formatNumber,
  ProblemAlert,
  Toast,
  useResource,
} from '../ui';

type Interval = 'month' | 'year';

const PLAN_KEYS: Record<PlanOffer['plan'], MessageKey> = {
  free: 'shop.plan.free',
  pro: 'shop.plan.pro',
  business: 'shop.plan.business',
};

const PLAN_ABOUT: Record<PlanOffer['plan'], MessageKey> = {
  free: 'shop.plan.free.about',
  pro: 'shop.plan.pro.about',
  business: 'shop.plan.business.about',
};

const RANK: Record<PlanOffer['plan'], number> = { free: 0, pro: 1, business: 2 };

/** The plans with their token quotas and prices, and subscription through Stripe Checkout. */
export function PricingPage() {
  const { t, lang } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const signedIn = session.status === 'signed-in';
  const plansResource = useResource(() => listPlans(lang), [lang]);
  const plans = plansResource.data;
  const mineResource = useResource(
    () => (signedIn ? authed(mySubscription) : Promise.resolve(null)),
    [signedIn],
  );
  const mine = mineResource.data;
  const [interval, setBillingInterval] = useState<Interval>('month');
  const [busy, setBusy] = useState<string | null>(null);
  const [actionProblem, setProblem] = useState<ApiProblem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const problem = actionProblem ?? plansResource.problem ?? mineResource.problem;

  async function start(plan: 'pro' | 'business') {
    if (!signedIn) {
      signInFirst();
      return;
    }
    setBusy(plan);
    setProblem(null);
    setNotice(null);
    await attempt(
      async () => {
        const key = newIdempotencyKey();
        const { redirectUrl } = await authed((token) => subscribe(token, plan, interval, key));
        window.location.assign(redirectUrl);
      },
      (error) => {
        if (error.problem.code === 'PAYMENT_NOT_CONFIGURED')
          setNotice(t('shop.pricing.notConfigured'));
        else setProblem(error);
      },
    );
    setBusy(null);
  }

  async function cancel() {
    setBusy('cancel');
    setProblem(null);
    await attempt(async () => {
      const subscription = await authed(cancelSubscription);
      mineResource.setData((old) => (old ? { ...old, subscription } : old));
    }, setProblem);
    setBusy(null);
  }

  const subscribed = new URLSearchParams(search).get('subscribed');
  const current = mine?.plan ?? (session.status === 'signed-in' ? session.user.plan : null);
  const subscription = mine?.subscription ?? null;

  return (
    <ShopPage title={t('shop.pricing.title')}>
      <p class="muted">{t('shop.pricing.intro')}</p>
      {(subscribed === 'pro' || subscribed === 'business') && (
        <Toast>{t('shop.pricing.thanks', { plan: t(PLAN_KEYS[subscribed]) })}</Toast>
      )}
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {notice && <Toast tone="error">{notice}</Toast>}
      {subscription && subscription.status !== 'canceled' && (
        <section class="card">
          <p>
            {t('shop.pricing.subscribed', { plan: t(PLAN_KEYS[subscription.plan]) })}{' '}
            {subscription.currentPeriodEnd &&
              t(subscription.cancelAtPeriodEnd ? 'shop.pricing.endsOn' : 'shop.pricing.renewsOn', {
                date: formatDate(subscription.currentPeriodEnd, lang, false),
              })}
          </p>
          {!subscription.cancelAtPeriodEnd && (
            <button
              type="button"
              class="button"
              disabled={busy !== null}
              onClick={() => void cancel()}
            >
              {t('shop.pricing.cancel')}
            </button>
          )}
        </section>
      )}
      <fieldset class="segmented shop-interval">
        <legend class="visually-hidden">{t('shop.pricing.billing')}</legend>
        {(['month', 'year'] as const).map((option) => (
          <button
            key={option}
            type="button"
            aria-pressed={interval === option}
            onClick={() => setBillingInterval(option)}
          >
            {t(option === 'month' ? 'shop.pricing.monthly' : 'shop.pricing.yearly')}
          </button>
        ))}
      </fieldset>
      {plans === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : (
        <ul class="shop-plans">
          {plans.map((offer) => {
            // The server subscribes to a product with a Stripe price first; show that one.
            const forInterval = offer.prices.filter((candidate) => candidate.interval === interval);
            const price =
              forInterval.find((candidate) => candidate.subscribable) ?? forInterval[0] ?? null;
            const isCurrent = current === offer.plan;
            const paid = offer.plan !== 'free';
            return (
              <li
                key={offer.plan}
                class={`card shop-plan${isCurrent ? ' is-current' : ''}`}
                aria-labelledby={`plan-${offer.plan}`}
              >
                <h2 id={`plan-${offer.plan}`}>
                  {t(PLAN_KEYS[offer.plan])}
                  {isCurrent && <span class="badge badge-on">{t('shop.pricing.current')}</span>}
                </h2>
                <p class="muted">{t(PLAN_ABOUT[offer.plan])}</p>
                <p class="shop-plan-price">
                  {!paid
                    ? formatMoney(0, 'EUR', lang)
                    : price
                      ? formatMoney(price.priceMinor, price.currency, lang)
                      : '—'}
                  {paid && price && (
                    <span class="muted">
                      {' '}
                      {t(interval === 'month' ? 'shop.pricing.perMonth' : 'shop.pricing.perYear')}
                    </span>
                  )}
                </p>
                <ul class="shop-quotas">
                  <li>
                    {t('shop.pricing.daily', {
                      tokens: formatNumber(offer.quotas.dailyTokens, lang),
                    })}
                  </li>
                  <li>
                    {t('shop.pricing.monthlyTokens', {
                      tokens: formatNumber(offer.quotas.monthlyTokens, lang),
                    })}
                  </li>
                </ul>
                {paid &&
                  offer.plan !== 'free' &&
                  (isCurrent ? null : !price ? (
                    <p class="muted">{t('shop.pricing.noPrice')}</p>
                  ) : !price.subscribable ? (
                    <p class="muted">{t('shop.pricing.notSubscribable')}</p>
                  ) : current !== null && RANK[current] > RANK[offer.plan] ? null : (
                    <button
                      type="button"
                      class="button button-primary"
                      disabled={busy !== null}
                      onClick={() => void start(offer.plan === 'business' ? 'business' : 'pro')}
                    >
                      {busy === offer.plan
                        ? t('shop.pricing.redirecting')
                        : signedIn
                          ? t('shop.pricing.subscribe', { plan: t(PLAN_KEYS[offer.plan]) })
                          : t('shop.pricing.signInToSubscribe')}
                    </button>
                  ))}
              </li>
            );
          })}
        </ul>
      )}
    </ShopPage>
  );
}
