import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { expect, inject } from 'vitest';
import { call, json, randomIp, sql, type TestUser } from './api';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
}

/**
 * A valid RGB PNG. `noise` fills it with random pixels, which do not compress, to reach a
 * given file size; otherwise it is a flat colour.
 */
export function png(width: number, height: number, options: { noise?: boolean } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = width * 3 + 1;
  const raw = options.noise ? randomBytes(row * height) : Buffer.alloc(row * height, 0x60);
  for (let y = 0; y < height; y++) raw[y * row] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: options.noise ? 0 : 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A structurally whole baseline JPEG header (SOI, JFIF, SOF0, EOI) of the given size. */
export function jpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from([
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
    0x00, 0x00,
  ]);
  const sof = Buffer.from([
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x03,
    0x01,
    0x22,
    0x00,
    0x02,
    0x11,
    0x01,
    0x03,
    0x11,
    0x01,
  ]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

/** Uploads bytes as the caller's avatar with the given declared type. */
export function putAvatar(user: TestUser, body: Uint8Array, contentType: string | null) {
  const headers: Record<string, string> = {};
  if (contentType) headers['Content-Type'] = contentType;
  return call('/api/profile/avatar', {
    method: 'PUT',
    token: user.accessToken,
    headers,
    body: new Uint8Array(body),
    ip: user.ip,
  });
}

/** Makes the user's sign-in older than the recent-authentication window. */
export async function makeSignInStale(user: TestUser): Promise<void> {
  const db = sql();
  try {
    await db`update sessions set authenticated_at = now() - interval '1 hour' where user_id = ${user.id}`;
  } finally {
    await db.end();
  }
}

export interface Mail {
  to_address: string;
  subject: string;
  text_body: string;
}

/** Waits (bounded) for a mail to `to` matching `subject`; mail is written after the response. */
export async function waitForMail(to: string, subject: RegExp): Promise<Mail> {
  const db = sql();
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      const rows = await db<Mail[]>`
        select to_address, subject, text_body from email_outbox
        where to_address = ${to} order by created_at desc`;
      const found = rows.find((row) => subject.test(row.subject));
      if (found) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await db.end();
  }
  throw new Error(`no mail to ${to} matching ${subject}`);
}

/** The subject of the mail that carries an address-change link (English or French). */
export const CHANGE_LINK_MAIL = /new WeBox e-mail address|nouvelle adresse e-mail/i;

/** Waits for the address-change mail to `to` and returns the token of its link. */
export async function waitForChangeToken(to: string): Promise<string> {
  const mail = await waitForMail(to, CHANGE_LINK_MAIL);
  const match = /\/confirm-email\?token=([A-Za-z0-9_%-]+)/.exec(mail.text_body);
  if (!match?.[1]) throw new Error('no confirmation link in the mail');
  return decodeURIComponent(match[1]);
}

/** The user's audit actions, oldest first. */
export async function auditActions(userId: string): Promise<string[]> {
  const db = sql();
  try {
    const rows = await db<{ action: string }[]>`
      select action from audit_log where user_id = ${userId} order by created_at, id`;
    return rows.map((row) => row.action);
  } finally {
    await db.end();
  }
}

/** Signs the seeded admin in and returns an access token. */
export async function adminToken(): Promise<string> {
  const res = await call('/api/auth/login', {
    json: { email: 'admin@webox.local', password: 'webox-admin-2026' },
    ip: randomIp(),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await json<{ accessToken: string }>(res)).accessToken;
}

/** A request the AI fakes saw (tests/fakes/ai-providers.ts). */
export interface SeenRequest {
  vendor: string;
  path: string;
  auth: string;
  keyLast4: string | null;
  anthropicVersion: string | null;
}

/** Every call the AI fakes have received so far in this run. */
export async function fakeRequests(): Promise<SeenRequest[]> {
  const res = await fetch(new URL('/__requests', inject('aiFakeUrl')));
  return (await json<{ requests: SeenRequest[] }>(res)).requests;
}

/** A key of the right shape for a provider whose fake answers per `kind`. */
export function providerKey(
  provider: 'openai' | 'anthropic' | 'google' | 'mistral' | 'groq',
  kind: 'valid' | 'wrong' | 'slow',
): string {
  const tail = randomBytes(24).toString('hex');
  const word = provider === 'google' ? `${kind[0]?.toUpperCase()}${kind.slice(1)}` : kind;
  switch (provider) {
    case 'openai':
      return `sk-${word}-${tail}`;
    case 'anthropic':
      return `sk-ant-${word}-${tail}`;
    case 'google':
      return `AIza${word}${tail}`.slice(0, 39);
    case 'mistral':
      return `${word}${tail}`.slice(0, 32);
    case 'groq':
      return `gsk_${word}${tail}`;
  }
}

export const PROVIDERS = ['openai', 'anthropic', 'google', 'mistral', 'groq'] as const;
