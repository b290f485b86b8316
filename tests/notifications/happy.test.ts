import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { baseUrl, call, expectProblem, json, PASSWORD, registerUser } from '../helpers/api';

function wsUrl(path: string): string {
  return new URL(path, baseUrl()).toString().replace(/^http/, 'ws');
}

/** Opens a socket and collects its JSON messages. */
function open(
  url: string,
): Promise<{ socket: WebSocket; messages: Array<{ type: string; data?: unknown }> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const messages: Array<{ type: string; data?: unknown }> = [];
    socket.addEventListener('message', (event) => {
      if (typeof event.data === 'string' && event.data.startsWith('{'))
        messages.push(JSON.parse(event.data));
    });
    socket.addEventListener('open', () => resolve({ socket, messages }));
    socket.addEventListener('error', () => reject(new Error('socket failed to open')));
  });
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
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
function upgradeRequest(path: string, headers: Record<string, string> = {}): Promise<Response> {
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

async function socketToken(accessToken: string): Promise<string> {
  const res = await call('/api/notifications/socket-token', { method: 'POST', token: accessToken });
  expect(res.status).toBe(200);
  return (await json<{ url: string }>(res)).url;
}

describe('notification room', () => {
  it('delivers events published to the signed-in user, only to that user', async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const a = await open(wsUrl(await socketToken(alice.accessToken)));
    const b = await open(wsUrl(await socketToken(bob.accessToken)));
    await until(() => a.messages.length > 0 && b.messages.length > 0);
    expect(a.messages[0]?.type).toBe('hello');

    // A sign-in from another device is pushed to Alice's open sockets.
    const login = await call('/api/auth/login', {
      json: { email: alice.email, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    await until(() => a.messages.some((m) => m.type === 'session.started'));
    await new Promise((r) => setTimeout(r, 200));
    expect(b.messages.some((m) => m.type === 'session.started')).toBe(false);

    const pong = new Promise<string>((resolve) =>
      a.socket.addEventListener('message', (e) => {
        if (e.data === 'pong') resolve(e.data);
      }),
    );
    a.socket.send('ping');
    expect(await pong).toBe('pong');
    a.socket.close();
    b.socket.close();
  });

  it('refuses a socket without a valid socket token, or from another site', async () => {
    const user = await registerUser();
    await expectProblem(await call('/api/notifications/socket?token=forged'), 400, 'BAD_REQUEST');
    await expectProblem(
      await upgradeRequest('/api/notifications/socket?token=forged'),
      401,
      'UNAUTHORIZED',
    );
    // An access token is not a socket token (different audience).
    await expectProblem(
      await upgradeRequest(`/api/notifications/socket?token=${user.accessToken}`),
      401,
      'UNAUTHORIZED',
    );
    const url = await socketToken(user.accessToken);
    await expectProblem(
      await upgradeRequest(url, { Origin: 'https://evil.example' }),
      403,
      'FORBIDDEN',
    );
    await expectProblem(await call('/api/notifications/socket'), 400, 'VALIDATION_FAILED');
  });
});
