import { hc } from 'hono/client';
import type { AppType } from '../../../functions/app';

/** A signed-in person as the API returns them. */
export interface User {
  id: string;
  email: string;
  name: string;
  role: 'user' | 'admin';
  plan: 'free' | 'pro' | 'business';
  emailVerified: boolean;
  createdAt: string;
}

/** What register, login and refresh return; the refresh token travels only as an HttpOnly cookie. */
export interface AuthSession {
  user: User;
  accessToken: string;
  /** Seconds until `accessToken` expires. */
  expiresIn: number;
}

/** One invalid input field, as listed in a problem's `errors`. */
export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem details body, as every API error is sent. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  /** The stable error code, e.g. `EMAIL_NOT_VERIFIED`. */
  code?: string;
  detail?: string;
  requestId?: string;
  errors?: FieldError[];
}

/**
 * A failed API call. `status` is the HTTP status, or 0 when the server could not be
 * reached at all; `problem` is the body the server sent (or one built from the status).
 */
export class ApiProblem extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiProblem';
    this.status = problem.status;
    this.problem = problem;
  }
}

/** The parts of a fetch response this module reads; both `Response` and hono's typed response fit. */
interface ResponseLike {
  status: number;
  statusText: string;
  headers: Headers;
  text(): Promise<string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function fieldErrors(value: unknown): FieldError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((item: unknown) =>
    isRecord(item) && typeof item.message === 'string'
      ? [{ path: typeof item.path === 'string' ? item.path : '', message: item.message }]
      : [],
  );
}

/** Reads a failed response into an ApiProblem, tolerating bodies that are not problem+json. */
export async function problemFrom(res: ResponseLike): Promise<ApiProblem> {
  const fallback: Problem = { type: 'about:blank', title: res.statusText, status: res.status };
  let body: unknown;
  try {
    body = JSON.parse(await res.text());
  } catch {
    return new ApiProblem(fallback);
  }
  if (!isRecord(body)) return new ApiProblem(fallback);
  return new ApiProblem({
    type: typeof body.type === 'string' ? body.type : fallback.type,
    title: typeof body.title === 'string' ? body.title : fallback.title,
    status: res.status,
    code: typeof body.code === 'string' ? body.code : undefined,
    detail: typeof body.detail === 'string' ? body.detail : undefined,
    requestId: typeof body.requestId === 'string' ? body.requestId : undefined,
    errors: fieldErrors(body.errors),
  });
}

/** Runs a request; a network failure becomes an ApiProblem with status 0. */
export async function send<R extends ResponseLike>(request: () => Promise<R>): Promise<R> {
  try {
    return await request();
  } catch (error) {
    throw new ApiProblem({
      type: 'about:blank',
      title: 'Network error',
      status: 0,
      detail: error instanceof Error ? error.message : undefined,
    });
  }
}

/** A response that says whether it succeeded and has a JSON body. */
interface JsonResponseLike extends ResponseLike {
  ok: boolean;
  json(): Promise<unknown>;
}

/**
 * The body of a successful response: hono's typed responses are a union by status, of which the
 * `ok: true` members carry the success body; a plain `Response` gives `any`.
 */
type OkBody<R extends JsonResponseLike> = [Extract<R, { ok: true }>] extends [never]
  ? Awaited<ReturnType<R['json']>>
  : Awaited<ReturnType<Extract<R, { ok: true }>['json']>>;

/** Runs a request (see `send`); a failed response throws its ApiProblem, else it is returned. */
export async function sendOk<R extends ResponseLike & { ok: boolean }>(
  request: () => Promise<R>,
): Promise<R> {
  const res = await send(request);
  if (!res.ok) throw await problemFrom(res);
  return res;
}

/** Runs a request and reads its JSON body; a failed response throws its ApiProblem. */
export async function sendJson<R extends JsonResponseLike>(
  request: () => Promise<R>,
): Promise<OkBody<R>> {
  const res = await sendOk(request);
  return (await res.json()) as OkBody<R>;
}

/** The typed API client (paths and bodies checked against the Worker's routes). */
export const client = hc<AppType>(window.location.origin, {
  init: { credentials: 'same-origin' },
});

/** The Authorization header for an access token. */
export function bearer(accessToken: string): { headers: Record<string, string> } {
  return { headers: { Authorization: `Bearer ${accessToken}` } };
}

/** Creates an account and signs it in (the server also sets the refresh cookie). */
export async function register(input: {
  email: string;
  password: string;
  name: string;
}): Promise<AuthSession> {
  const res = await send(() => client.api.auth.register.$post({ json: input }));
  if (!res.ok) throw await problemFrom(res);
  return await res.json();
}

/** The login answer for an account with two-factor sign-in on: no session until the code. */
export interface TwoFactorChallenge {
  twoFactorRequired: true;
  challengeToken: string;
  methods: Array<'totp' | 'recovery'>;
}

/**
 * Signs in with email and password (the server also sets the refresh cookie), or answers the
 * challenge of the second step when the account has two-factor sign-in on.
 */
export async function login(input: {
  email: string;
  password: string;
}): Promise<AuthSession | TwoFactorChallenge> {
  const res = await send(() => client.api.auth.login.$post({ json: input }));
  if (!res.ok) throw await problemFrom(res);
  return await res.json();
}

/** Trades the refresh cookie for a new access token (and a rotated cookie). */
export async function refresh(): Promise<AuthSession> {
  const res = await send(() => client.api.auth.refresh.$post());
  if (!res.ok) throw await problemFrom(res);
  return await res.json();
}

/** Ends the session on the server and clears the refresh cookie. */
export async function logout(accessToken?: string): Promise<void> {
  const res = await send(() =>
    client.api.auth.logout.$post(undefined, accessToken ? bearer(accessToken) : undefined),
  );
  if (!res.ok) throw await problemFrom(res);
}

/** The signed-in user, read with the access token. */
export async function me(accessToken: string): Promise<{ user: User }> {
  const res = await send(() => client.api.me.$get(undefined, bearer(accessToken)));
  if (!res.ok) throw await problemFrom(res);
  return await res.json();
}
