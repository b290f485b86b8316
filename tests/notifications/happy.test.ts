import { describe, expect, it } from 'vitest';
import { call, expectProblem, PASSWORD, registerUser } from '../helpers/api';
import { open, socketToken, until, upgradeRequest, wsUrl } from './sockets';

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
