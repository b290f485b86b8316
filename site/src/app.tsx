import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import type { User } from './api/client';
import { AREAS } from './areas';
import { useSession } from './auth';
import { Layout } from './components/layout';
import { useI18n } from './i18n';
import { useLiveNotifications } from './notifications';
import { ActivityPage } from './pages/activity';
import { AdminModelsPage } from './pages/admin-models';
import { AdminOrdersPage } from './pages/admin-orders';
import { AdminOutboxPage } from './pages/admin-outbox';
import { AdminProductsPage } from './pages/admin-products';
import { AdminPromosPage } from './pages/admin-promos';
import { AdminUsersPage } from './pages/admin-users';
import { AgentsPage } from './pages/agents';
import { ApiTokensPage } from './pages/api-tokens';
import { CartPage } from './pages/cart';
import { ChatPage } from './pages/chat';
import { CheckoutPage, PaypalReturnPage } from './pages/checkout';
import { ComingSoonPage } from './pages/coming-soon';
import { ConfirmEmailPage } from './pages/confirm-email';
import { DashboardPage } from './pages/dashboard';
import { ForgotPage } from './pages/forgot';
import { GenerationPage } from './pages/generation';
import { KeysPage } from './pages/keys';
import { LoginPage } from './pages/login';
import { MarketplacePage } from './pages/marketplace';
import { MediaPage } from './pages/media';
import { MessagePage } from './pages/message';
import { NotificationsPage } from './pages/notifications';
import { isOrderPath, OrdersPage } from './pages/orders';
import { PasswordPage } from './pages/password';
import { PricingPage } from './pages/pricing';
import { ProfilePage } from './pages/profile';
import { PromptsPage } from './pages/prompts';
import { RegisterPage } from './pages/register';
import { ResetPage } from './pages/reset';
import { SecurityPage } from './pages/security';
import { SessionsPage } from './pages/sessions';
import { UsagePage } from './pages/usage';
import { VerifyPage } from './pages/verify';
import { WishlistPage } from './pages/wishlist';
import { navigate, safeNext, useLocation } from './router';

/** Pages for signed-out visitors; a signed-in user is sent on to the dashboard. */
const GUEST_PAGES: Record<string, () => JSX.Element> = {
  '/login': () => <LoginPage />,
  '/register': () => <RegisterPage />,
  '/forgot': () => <ForgotPage />,
};

/** Pages opened from e-mailed links: they work signed in or not. */
const LINK_PAGES: Record<string, () => JSX.Element> = {
  '/verify': () => <VerifyPage />,
  '/reset': () => <ResetPage />,
  '/confirm-email': () => <ConfirmEmailPage />,
};

/** Shop pages that visitors may browse too (an anonymous cart lives on a cookie). */
const PUBLIC_PAGES: Record<string, () => JSX.Element> = {
  '/marketplace': () => <MarketplacePage />,
  '/cart': () => <CartPage />,
  '/pricing': () => <PricingPage />,
  // Stripe sends subscribers back here.
  '/plans': () => <PricingPage />,
};

/** Built member pages, checked before the areas that are still to come. */
const MEMBER_PAGES: Record<string, (user: User) => JSX.Element> = {
  '/chat': () => <ChatPage />,
  '/sessions': () => <SessionsPage />,
  '/security': () => <SecurityPage />,
  '/profile': (user) => <ProfilePage user={user} />,
  '/keys': () => <KeysPage />,
  '/activity': () => <ActivityPage />,
  '/password': () => <PasswordPage />,
  '/admin/users': (user) => <AdminUsersPage user={user} />,
  '/admin/outbox': () => <AdminOutboxPage />,
  '/agents': () => <AgentsPage />,
  '/prompts': (user) => <PromptsPage user={user} />,
  '/media': () => <MediaPage />,
  '/admin/models': () => <AdminModelsPage />,
  '/usage': () => <UsagePage />,
  '/generation': () => <GenerationPage />,
  '/api-tokens': () => <ApiTokensPage />,
  '/wishlist': () => <WishlistPage />,
  '/checkout': (user) => <CheckoutPage user={user} />,
  '/checkout/paypal/return': () => <PaypalReturnPage />,
  '/orders': () => <OrdersPage />,
  '/notifications': () => <NotificationsPage />,
  '/admin/products': () => <AdminProductsPage />,
  '/admin/promos': () => <AdminPromosPage />,
  '/admin/orders': () => <AdminOrdersPage />,
};

/** The page for a path, for a signed-in user. */
function memberPage(path: string, user: User) {
  if (path === '/') return <DashboardPage user={user} />;
  const area = AREAS.find((candidate) => candidate.path === path);
  if (path.startsWith('/admin') && user.role !== 'admin') {
    return <MessagePage title="forbidden.title" body="forbidden.body" />;
  }
  // Payment providers send buyers back to /orders/<id>.
  if (isOrderPath(path)) return <OrdersPage />;
  const built = MEMBER_PAGES[path];
  if (built) return built(user);
  if (!area) return <MessagePage title="notFound.title" body="notFound.body" />;
  if (area.adminOnly && user.role !== 'admin') {
    return <MessagePage title="forbidden.title" body="forbidden.body" />;
  }
  return <ComingSoonPage area={area} />;
}

/** The whole app: waits for the session, then routes, sending visitors to /login when needed. */
export function App() {
  const { t } = useI18n();
  const session = useSession();
  useLiveNotifications(session.status === 'signed-in' ? session.user.id : null);
  const { path, search } = useLocation();
  const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const guestPage = GUEST_PAGES[normalized];
  const linkPage = LINK_PAGES[normalized] ?? PUBLIC_PAGES[normalized];

  useEffect(() => {
    if (linkPage) return;
    if (session.status === 'signed-out' && !guestPage) {
      navigate(`/login?next=${encodeURIComponent(path + search)}`, { replace: true });
    } else if (session.status === 'signed-in' && guestPage) {
      // The login page also goes to `?next=`; this effect may run after it, so it goes there too.
      navigate(safeNext(search), { replace: true });
    }
  }, [session.status, guestPage, linkPage, path, search]);

  if (session.status === 'loading') {
    return (
      <div class="splash" role="status">
        {t('app.loading')}
      </div>
    );
  }
  if (linkPage) {
    return (
      <Layout user={session.status === 'signed-in' ? session.user : null}>{linkPage()}</Layout>
    );
  }
  if (session.status === 'signed-in' && !guestPage) {
    return <Layout user={session.user}>{memberPage(normalized, session.user)}</Layout>;
  }
  if (session.status === 'signed-out' && guestPage) {
    return <Layout user={null}>{guestPage()}</Layout>;
  }
  // About to be redirected by the effect above.
  return null;
}
