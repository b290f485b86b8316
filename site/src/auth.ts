import * as api from './api/client';
import { ApiProblem, type AuthSession, type TwoFactorChallenge, type User } from './api/client';
import { loginSecondStep, passkeyLogin, type SecondFactor } from './api/security';
import { navigate } from './router';
import { createStore, useStore } from './store';

/** Whether the app knows who is signed in yet, and who. */
export type Session =
  | { status: 'loading' }
  | { status: 'signed-out'; reason?: 'expired' }
  | { status: 'signed-in'; user: User };

const sessionStore = createStore<Session>({ status: 'loading' });

// The access token lives only in this module's memory: never in storage, never in the DOM.
let accessToken: string | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<boolean> | null = null;

/** Refresh this long before the access token expires, so calls never carry a stale one. */
const REFRESH_MARGIN_MS = 30_000;

function start(session: AuthSession): void {
  accessToken = session.accessToken;
  sessionStore.set({ status: 'signed-in', user: session.user });
  clearTimeout(refreshTimer);
  const lifetime = session.expiresIn * 1000;
  const delay = Math.max(lifetime - REFRESH_MARGIN_MS, lifetime / 2);
  refreshTimer = setTimeout(() => void refreshSession(), delay);
}

function end(reason?: 'expired'): void {
  accessToken = null;
  clearTimeout(refreshTimer);
  sessionStore.set({ status: 'signed-out', reason });
}

/**
 * Exchanges the refresh cookie for a new access token. Concurrent callers share one
 * request, and tabs take turns through a Web Lock: the server rotates the cookie on
 * every refresh, so two refreshes sent with the same cookie would look like token reuse.
 * Resolves to false (and signs out) when the cookie is missing, expired or revoked.
 */
export function refreshSession(): Promise<boolean> {
  if (refreshing) return refreshing;
  const wasSignedIn = sessionStore.get().status === 'signed-in';
  const run = async (): Promise<boolean> => {
    try {
      start(await api.refresh());
      return true;
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 0 && accessToken) {
        // Offline for a moment: keep the current token and try again soon.
        refreshTimer = setTimeout(() => void refreshSession(), REFRESH_MARGIN_MS / 2);
        return true;
      }
      end(wasSignedIn ? 'expired' : undefined);
      return false;
    }
  };
  const shared = (async () =>
    // Web Locks exist only in secure contexts; elsewhere this tab refreshes on its own.
    navigator.locks ? await navigator.locks.request('webox-refresh', run) : await run())().finally(
    () => {
      refreshing = null;
    },
  );
  refreshing = shared;
  return shared;
}

/** Restores the session from the refresh cookie when the page loads. */
export function restoreSession(): Promise<boolean> {
  return refreshSession();
}

/**
 * Signs in; throws ApiProblem on bad credentials or invalid input. For an account with
 * two-factor sign-in on, returns the challenge to finish with `completeSignIn`.
 */
export async function signIn(email: string, password: string): Promise<TwoFactorChallenge | null> {
  const answer = await api.login({ email, password });
  if ('twoFactorRequired' in answer) return answer;
  start(answer);
  return null;
}

/** The second sign-in step, with a code from the app or a recovery code. */
export async function completeSignIn(challengeToken: string, factor: SecondFactor): Promise<void> {
  start(await loginSecondStep(challengeToken, factor));
}

/** Signs in with a passkey; throws ApiProblem, or PasskeyPromptError when the prompt fails. */
export async function signInWithPasskey(): Promise<void> {
  start(await passkeyLogin());
}

/** Creates an account and signs it in; throws ApiProblem on invalid input or a taken email. */
export async function signUp(name: string, email: string, password: string): Promise<void> {
  start(await api.register({ name, email, password }));
}

/** Signs out on the server (best effort) and here, then shows the login page. */
export async function signOut(): Promise<void> {
  try {
    await api.logout(accessToken ?? undefined);
  } catch {
    // The local session ends anyway; an unreachable server cannot keep anyone signed in here.
  } finally {
    end();
    navigate('/login', { replace: true });
  }
}

/**
 * Runs an authenticated API call with the current access token. On a 401 it refreshes
 * once and retries; if that fails, the session ends and the login page is shown.
 */
export async function authed<T>(call: (token: string) => Promise<T>): Promise<T> {
  if (accessToken) {
    try {
      return await call(accessToken);
    } catch (error) {
      if (!(error instanceof ApiProblem) || error.status !== 401) throw error;
    }
  }
  if (await refreshSession()) {
    const token = accessToken;
    if (token) {
      try {
        return await call(token);
      } catch (error) {
        if (!(error instanceof ApiProblem) || error.status !== 401) throw error;
        end('expired');
      }
    }
  }
  const { pathname, search } = window.location;
  navigate(`/login?next=${encodeURIComponent(pathname + search)}`, { replace: true });
  throw new ApiProblem({ type: 'about:blank', title: 'Unauthorized', status: 401 });
}

/**
 * Like `authed`, for calls where the user types a password or a code: a 401 saying it was
 * wrong (INVALID_CREDENTIALS, INVALID_CODE) is the user's mistake to show, not a dead session
 * to refresh and retry.
 */
export async function authedConfirm<T>(call: (token: string) => Promise<T>): Promise<T> {
  const outcome = await authed(async (token) => {
    try {
      return { value: await call(token) };
    } catch (error) {
      const code = error instanceof ApiProblem ? error.problem.code : undefined;
      if (code === 'INVALID_CREDENTIALS' || code === 'INVALID_CODE') return { wrong: error };
      throw error;
    }
  });
  if ('wrong' in outcome) throw outcome.wrong;
  return outcome.value;
}

/** Replaces the signed-in user's details (for example after reading /api/me). */
export function updateUser(user: User): void {
  if (sessionStore.get().status === 'signed-in') sessionStore.set({ status: 'signed-in', user });
}

/** The current session; re-renders the caller when it changes. */
export function useSession(): Session {
  return useStore(sessionStore);
}
