import { describe, expect, it } from 'vitest';
import { likePattern } from '../../functions/admin/users-service';
import { describeDevice } from '../../functions/auth/device';
import { failuresAllowAttempt, LOGIN_FAILURE_RULE } from '../../functions/auth/limits';
import { mustVerifyEmail } from '../../functions/auth/verification';

describe('REQUIRE_VERIFIED_EMAIL decision', () => {
  const unverified = { emailVerifiedAt: null };
  const verified = { emailVerifiedAt: new Date() };

  it('refuses an unconfirmed account only when the setting is on', () => {
    expect(mustVerifyEmail(unverified, true)).toBe(true);
    expect(mustVerifyEmail(verified, true)).toBe(false);
    expect(mustVerifyEmail(unverified, false)).toBe(false);
    expect(mustVerifyEmail(verified, false)).toBe(false);
  });
});

describe('failed sign-in cap', () => {
  it('is 100 failures per account per hour', () => {
    expect(LOGIN_FAILURE_RULE).toMatchObject({ limit: 100, windowSeconds: 3600 });
  });

  it('allows attempts until 100 failures, then refuses', () => {
    expect(failuresAllowAttempt(0)).toBe(true);
    expect(failuresAllowAttempt(99)).toBe(true);
    expect(failuresAllowAttempt(100)).toBe(false);
    expect(failuresAllowAttempt(250)).toBe(false);
  });

  it('scales with RATE_LIMIT_MULTIPLIER and never drops below one attempt', () => {
    expect(failuresAllowAttempt(150, LOGIN_FAILURE_RULE, 2)).toBe(true);
    expect(failuresAllowAttempt(200, LOGIN_FAILURE_RULE, 2)).toBe(false);
    expect(failuresAllowAttempt(0, LOGIN_FAILURE_RULE, 0.001)).toBe(true);
    expect(failuresAllowAttempt(1, LOGIN_FAILURE_RULE, 0.001)).toBe(false);
  });
});

describe('describeDevice', () => {
  it.each([
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Chrome on Linux',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      'Edge on Windows',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      'Safari on macOS',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
      'Chrome on iOS',
    ],
    ['Mozilla/5.0 (Android 15; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0', 'Firefox on Android'],
    [
      'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
      'Samsung Internet on Android',
    ],
    [
      'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Chrome on ChromeOS',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0',
      'Opera on Windows',
    ],
    ['curl/8.5.0', 'Unknown device'],
    ['', 'Unknown device'],
  ])('%s → %s', (ua, expected) => {
    expect(describeDevice(ua)).toBe(expected);
  });

  it('handles a missing header', () => {
    expect(describeDevice(null)).toBe('Unknown device');
    expect(describeDevice(undefined)).toBe('Unknown device');
  });
});

describe('admin search pattern', () => {
  it('matches wildcards literally', () => {
    expect(likePattern('al')).toBe('%al%');
    expect(likePattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });
});
