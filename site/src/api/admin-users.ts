import { bearer, client, sendJson } from './client';

/** A user as the admin list shows them. */
export interface AdminUser {
  id: string;
  email: string;
  name: string;
  role: 'user' | 'admin';
  plan: 'free' | 'pro' | 'business';
  status: 'active' | 'disabled';
  emailVerified: boolean;
  twoFactorEnabled: boolean;
  createdAt: string;
  disabledAt: string | null;
}

export interface AdminUserPage {
  items: AdminUser[];
  page: number;
  pageSize: number;
  total: number;
}

export interface UserSearch {
  query: string;
  status: '' | 'active' | 'disabled';
  page: number;
}

/** One page of users matching the search, newest first. */
export async function listUsers(
  accessToken: string,
  search: UserSearch,
  pageSize = 20,
): Promise<AdminUserPage> {
  const query: Record<string, string> = { page: String(search.page), pageSize: String(pageSize) };
  if (search.query.trim()) query.query = search.query.trim();
  if (search.status) query.status = search.status;
  return await sendJson(() => client.api.admin.users.$get({ query }, bearer(accessToken)));
}

/** Disables or re-enables an account. */
export async function setUserEnabled(
  accessToken: string,
  id: string,
  enabled: boolean,
): Promise<AdminUser> {
  const route = client.api.admin.users[':id'];
  return (
    await sendJson(() =>
      enabled
        ? route.enable.$post({ param: { id } }, bearer(accessToken))
        : route.disable.$post({ param: { id } }, bearer(accessToken)),
    )
  ).user;
}
