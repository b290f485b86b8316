import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, redact } from '../../functions/platform/logging';

describe('structured logs', () => {
  afterEach(() => vi.restoreAllMocks());

  it('redacts secrets by key name, at any depth', () => {
    expect(
      redact({
        email: 'a@b.c',
        password: 'hunter2',
        nested: { refreshToken: 'rt', headers: { Authorization: 'Bearer x', cookie: 'c' } },
        list: [{ apiKey: 'k' }],
      }),
    ).toEqual({
      email: 'a@b.c',
      password: '[redacted]',
      nested: {
        refreshToken: '[redacted]',
        headers: { Authorization: '[redacted]', cookie: '[redacted]' },
      },
      list: [{ apiKey: '[redacted]' }],
    });
  });

  it('writes one JSON object per line with level, message and base fields', () => {
    const spy = vi.spyOn(console, 'log').mockImplementation(() => {});
    createLogger({ requestId: 'r1' }).info('hello', { jwtSecret: 'nope', userId: 'u1' });
    const line = JSON.parse(String(spy.mock.calls[0]?.[0]));
    expect(line).toMatchObject({
      level: 'info',
      msg: 'hello',
      requestId: 'r1',
      userId: 'u1',
      jwtSecret: '[redacted]',
    });
    expect(Date.parse(line.time)).not.toBeNaN();
  });

  it('logs errors by name and message, without stacks', () => {
    const out = redact({ error: new TypeError('boom') });
    expect(out).toEqual({ error: { name: 'TypeError', message: 'boom' } });
  });
});
