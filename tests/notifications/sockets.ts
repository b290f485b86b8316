import { request } from 'node:http';
import { expect } from 'vitest';
import { baseUrl, call, json } from '../helpers/api';

export interface SocketMessage {
  type: string;
  data?: Record<string, unknown>;
}

export interface OpenSocket {
  socket: WebSocket;
  messages: SocketMessage[];
}

/** The ws:// address of a path on the Worker. */
export function wsUrl(path: string): string {
  return new URL(path, baseUrl()).toString().replace(/^http/, 'ws');
}

/** Opens a socket and collects its JSON messages. */
export function open(url: string): Promise<OpenSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const messages: SocketMessage[] = [];
    socket.addEventListener('message', (event) => {
      if (typeof event.data === 'string' && event.data.startsWith('{'))
        messages.push(JSON.parse(event.data));
    });
    socket.addEventListener('open', () => resolve({ socket, messages }));
    socket.addEventListener('error', () => reject(new Error('socket failed to open')));
  });
}

/** Polls `check` until it holds, failing after timeoutMs. */
export async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A WebSocket upgrade whose refusal we want to read: fetch() forbids the Upgrade header,
 * so this goes through node:http and resolves with the plain HTTP answer.
 */
export function upgradeRequest(
  path: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl()), {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      reject(new Error('the upgrade was accepted'));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [key, value] of Object.entries(res.headers)) {
          if (typeof value === 'string') responseHeaders.set(key, value);
        }
        resolve(
          new Response(Buffer.concat(chunks), {
            status: res.statusCode ?? 0,
            headers: responseHeaders,
          }),
        );
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Trades an access token for the path (with its socket token) to open the socket on. */
export async function socketToken(accessToken: string): Promise<string> {
  const res = await call('/api/notifications/socket-token', { method: 'POST', token: accessToken });
  expect(res.status).toBe(200);
  return (await json<{ url: string }>(res)).url;
}

/** Opens a socket for the user and waits for the server's greeting. */
export async function openFor(accessToken: string): Promise<OpenSocket> {
  const opened = await open(wsUrl(await socketToken(accessToken)));
  await until(() => opened.messages.some((m) => m.type === 'hello'));
  return opened;
}
