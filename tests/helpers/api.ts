import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { expect, inject } from 'vitest';

/** Base URL of the Worker started by the global setup. */
export const baseUrl = (): string => inject('baseUrl');

/**
 * A fresh caller address per test user: rate limits are per IP, and one test run
 * registers far more accounts than one real visitor may.
 */
export function randomIp(): string {
  const b = randomBytes(3);
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

export interface CallOptions {
  method?: string;
  json?: unknown;
  body?: BodyInit;
  token?: string;
  cookie?: string;
  ip?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Calls the Worker like a client would. */
export async function call(path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {
    'CF-Connecting-IP': options.ip ?? randomIp(),
    ...options.headers,
  };
  let body = options.body;
  if (options.json !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.Cookie = options.cookie;
  return fetch(new URL(path, baseUrl()), {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    redirect: 'manual',
    signal: options.signal,
  });
}

export const uniqueEmail = (tag = 'user') => `${tag}.${randomBytes(6).toString('hex')}@example.com`;
export const PASSWORD = 'a-long-enough-password';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  /** `webox_rt=<token>` ready for a Cookie header. */
  cookie: string;
  ip: string;
}

/** Pulls `name=value` of the refresh cookie out of a response. */
export function refreshCookie(res: Response): string {
  const header = res.headers.getSetCookie().find((c) => c.startsWith('webox_rt='));
  if (!header) throw new Error('no refresh cookie in the response');
  return header.split(';')[0] ?? '';
}

/** Registers a new account and returns its credentials. */
export async function registerUser(
  overrides: { email?: string; name?: string } = {},
): Promise<TestUser> {
  const email = overrides.email ?? uniqueEmail();
  const ip = randomIp();
  const res = await call('/api/auth/register', {
    json: { email, password: PASSWORD, name: overrides.name ?? 'Test User' },
    ip,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const body = (await res.json()) as { user: { id: string }; accessToken: string };
  return {
    id: body.user.id,
    email,
    password: PASSWORD,
    accessToken: body.accessToken,
    cookie: refreshCookie(res),
    ip,
  };
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  requestId: string;
  errors?: { path: string; message: string }[];
}

/** Asserts a problem+json response with the given status and code, and returns its body. */
export async function expectProblem(res: Response, status: number, code: string): Promise<Problem> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as Problem;
  expect(body).toMatchObject({ status, code });
  expect(body.type).toMatch(/^https:\/\/webox\.app\/problems\//);
  expect(body.detail.length).toBeGreaterThan(0);
  expect(body.requestId).toBe(res.headers.get('x-request-id'));
  return body;
}

/** Direct SQL on the test database, to check what a request wrote (or did not). */
export function sql() {
  return postgres(inject('databaseUrl'), { max: 1, onnotice: () => {}, fetch_types: false });
}

export interface UserBody {
  id: string;
  email: string;
  name: string;
  role: 'user' | 'admin';
  plan: string;
  locale: string;
  emailVerified: boolean;
  createdAt: string;
}

export interface SessionBody {
  user: UserBody;
  accessToken: string;
  tokenType: string;
  expiresIn: number;
}

/** Reads a JSON body as the shape the test expects (the test then asserts on it). */
export async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
