import type { User } from './api/client';
import type { MessageKey } from './i18n';

/** One area of WeBox, as listed in the side navigation. */
export interface Area {
  id: string;
  path: string;
  label: MessageKey;
  /** What the area will do, shown on its page until it is built; absent once it works. */
  about?: MessageKey;
  adminOnly?: boolean;
}

/** Every area, in navigation order. Areas with `about` are not built yet. */
export const AREAS: readonly Area[] = [
  { id: 'dashboard', path: '/', label: 'area.dashboard' },
  { id: 'chat', path: '/chat', label: 'area.chat' },
  { id: 'agents', path: '/agents', label: 'area.agents' },
  { id: 'prompts', path: '/prompts', label: 'area.prompts' },
  { id: 'workflows', path: '/workflows', label: 'area.workflows', about: 'about.workflows' },
  { id: 'generation', path: '/generation', label: 'area.generation' },
  { id: 'media', path: '/media', label: 'area.media' },
  { id: 'marketplace', path: '/marketplace', label: 'area.marketplace' },
  { id: 'cart', path: '/cart', label: 'shop.cart.title' },
  { id: 'wishlist', path: '/wishlist', label: 'shop.wishlist.title' },
  { id: 'orders', path: '/orders', label: 'area.orders' },
  { id: 'pricing', path: '/pricing', label: 'shop.pricing.title' },
  { id: 'support', path: '/support', label: 'area.support', about: 'about.support' },
  { id: 'blog', path: '/blog', label: 'area.blog', about: 'about.blog' },
  { id: 'profile', path: '/profile', label: 'area.profile' },
  { id: 'security', path: '/security', label: 'area.security' },
  { id: 'keys', path: '/keys', label: 'area.keys' },
  { id: 'notifications', path: '/notifications', label: 'notifications.title' },
  { id: 'usage', path: '/usage', label: 'area.usage' },
  { id: 'api-tokens', path: '/api-tokens', label: 'area.apiTokens' },
  { id: 'activity', path: '/activity', label: 'area.activity' },
  { id: 'sessions', path: '/sessions', label: 'area.sessions' },
  { id: 'admin', path: '/admin', label: 'area.admin', about: 'about.admin', adminOnly: true },
  { id: 'admin-users', path: '/admin/users', label: 'area.adminUsers', adminOnly: true },
  { id: 'admin-outbox', path: '/admin/outbox', label: 'area.adminOutbox', adminOnly: true },
  { id: 'admin-models', path: '/admin/models', label: 'area.adminModels', adminOnly: true },
  {
    id: 'admin-products',
    path: '/admin/products',
    label: 'shop.admin.productsTitle',
    adminOnly: true,
  },
  { id: 'admin-promos', path: '/admin/promos', label: 'shop.promos.title', adminOnly: true },
  { id: 'admin-orders', path: '/admin/orders', label: 'shop.adminOrders.title', adminOnly: true },
];

/** The areas this user may see. */
export function areasFor(user: User): Area[] {
  return AREAS.filter((area) => !area.adminOnly || user.role === 'admin');
}
