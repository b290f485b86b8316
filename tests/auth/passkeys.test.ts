import { describe, expect, it } from 'vitest';
import {
  baseUrl,
  call,
  expectProblem,
  json,
  registerUser,
  sql,
  type TestUser,
} from '../helpers/api';
import { expectSignedIn } from '../helpers/sessions';
import { enrolTotp } from '../helpers/two-factor';
import {
  type CeremonyOverrides,
  type CreationOptionsLike,
  type RequestOptionsLike,
  SoftAuthenticator,
} from '../helpers/webauthn';

interface PasskeyBody {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  deviceType: string;
  backedUp: boolean;
}

interface CreationOptions extends CreationOptionsLike {
  rp: { id?: string; name: string };
  user: { id: string; name: string; displayName: string };
  excludeCredentials?: { id: string }[];
  authenticatorSelection?: { residentKey?: string; userVerification?: string };
}

interface LoginOptions {
  challengeId: string;
  options: RequestOptionsLike & {
    allowCredentials?: { id: string }[];
    userVerification?: string;
  };
}

async function registrationOptions(user: TestUser): Promise<CreationOptions> {
  const res = await call('/api/auth/passkeys/register/options', {
    method: 'POST',
    token: user.accessToken,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<CreationOptions>(res);
}

function verifyRegistration(user: TestUser, body: unknown): Promise<Response> {
  return call('/api/auth/passkeys/register/verify', { json: body, token: user.accessToken });
}

/** Registers a new software passkey on the user's account. */
async function addPasskey(user: TestUser, name?: string) {
  const authenticator = await SoftAuthenticator.create(baseUrl());
  const options = await registrationOptions(user);
  const response = await authenticator.register(options);
  const res = await verifyRegistration(user, { response, ...(name ? { name } : {}) });
  expect(res.status, await res.clone().text()).toBe(201);
  return { authenticator, passkey: await json<PasskeyBody>(res) };
}

async function loginOptions(body?: object): Promise<LoginOptions> {
  const res = await call('/api/auth/passkeys/login/options', {
    method: 'POST',
    ...(body ? { json: body } : {}),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<LoginOptions>(res);
}

async function passkeyLogin(
  authenticator: SoftAuthenticator,
  overrides: CeremonyOverrides = {},
): Promise<Response> {
  const { challengeId, options } = await loginOptions();
  const response = await authenticator.authenticate(options, overrides);
  return call('/api/auth/passkeys/login/verify', { json: { challengeId, response } });
}

async function stored(userId: string) {
  const db = sql();
  const keys =
    await db`select id, counter::int as counter, last_used_at from passkeys where user_id = ${userId}`;
  const [sessions] =
    await db`select count(*)::int as n from sessions where user_id = ${userId} and method = 'passkey'`;
  await db.end();
  return { keys, passkeySessions: sessions?.n ?? 0 };
}

describe('passkeys: registration and sign-in', () => {
  it('registers a discoverable passkey with user verification and lists it', async () => {
    const user = await registerUser({ name: 'Passkey Owner' });
    const options = await registrationOptions(user);
    expect(options.rp).toEqual({ id: 'localhost', name: 'WeBox' });
    expect(options.user.name).toBe(user.email);
    expect(options.user.displayName).toBe('Passkey Owner');
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: 'required',
      userVerification: 'required',
    });
    expect(options.excludeCredentials ?? []).toEqual([]);

    const authenticator = await SoftAuthenticator.create(baseUrl());
    const res = await verifyRegistration(user, { response: await authenticator.register(options) });
    expect(res.status, await res.clone().text()).toBe(201);
    const passkey = await json<PasskeyBody>(res);
    expect(passkey).toMatchObject({
      name: `Passkey ${new Date().toISOString().slice(0, 10)}`,
      lastUsedAt: null,
      deviceType: 'singleDevice',
      backedUp: false,
    });
    expect(passkey).not.toHaveProperty('publicKey');

    const list = await call('/api/auth/passkeys', { token: user.accessToken });
    expect((await json<{ items: PasskeyBody[] }>(list)).items).toEqual([passkey]);

    // The next registration excludes the credential already there.
    const next = await registrationOptions(user);
    expect(next.excludeCredentials?.map((c) => c.id)).toEqual([authenticator.id]);

    const db = sql();
    const [row] =
      await db`select credential_id, public_key, counter::int as counter, transports from passkeys where id = ${passkey.id}`;
    const audit =
      await db`select metadata from audit_log where user_id = ${user.id} and action = 'passkey.added'`;
    await db.end();
    expect(row).toMatchObject({ credential_id: authenticator.id, counter: 1 });
    expect(row?.transports).toEqual(['internal']);
    expect(row?.public_key).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(audit[0]?.metadata).toMatchObject({ passkeyId: passkey.id });
  });

  it('signs in with a discoverable passkey, moves the counter and skips the TOTP step', async () => {
    const user = await registerUser();
    await enrolTotp(user);
    const { authenticator, passkey } = await addPasskey(user, 'Laptop');

    const { options } = await loginOptions();
    expect(options.rpId).toBe('localhost');
    expect(options.userVerification).toBe('required');
    expect(options.allowCredentials ?? []).toEqual([]);

    const res = await passkeyLogin(authenticator);
    await expectSignedIn(res, user.id);

    const after = await stored(user.id);
    expect(after.keys[0]).toMatchObject({ id: passkey.id, counter: 2 });
    expect(after.keys[0]?.last_used_at).not.toBeNull();
    expect(after.passkeySessions).toBe(1);
  });

  it('never lists credentials in the options, and refuses an e-mail as an unknown field', async () => {
    const user = await registerUser();
    const { authenticator } = await addPasskey(user);
    // Without a body and with the site's empty object alike: nothing names an account.
    for (const body of [undefined, {}]) {
      const { options } = await loginOptions(body);
      expect(options).not.toHaveProperty('allowCredentials');
      expect(JSON.stringify(options)).not.toContain(authenticator.id);
    }
    // An e-mail (known or not) is refused the same way, before any lookup.
    for (const email of [user.email, 'nobody.here@example.com']) {
      const refused = await expectProblem(
        await call('/api/auth/passkeys/login/options', { json: { email } }),
        400,
        'VALIDATION_FAILED',
      );
      expect(refused.detail).toMatch(/email/);
      expect(JSON.stringify(refused)).not.toContain(authenticator.id);
    }
    expect((await passkeyLogin(authenticator)).status).toBe(200);
  });

  it('renames and removes a passkey, and answers 404 for another account’s', async () => {
    const owner = await registerUser();
    const { passkey } = await addPasskey(owner);
    const other = await registerUser();

    const stranger = await call(`/api/auth/passkeys/${passkey.id}`, {
      method: 'PATCH',
      json: { name: 'Mine now' },
      token: other.accessToken,
    });
    await expectProblem(stranger, 404, 'NOT_FOUND');
    await expectProblem(
      await call(`/api/auth/passkeys/${passkey.id}`, {
        method: 'DELETE',
        token: other.accessToken,
      }),
      404,
      'NOT_FOUND',
    );
    const otherList = await call('/api/auth/passkeys', { token: other.accessToken });
    expect((await json<{ items: unknown[] }>(otherList)).items).toEqual([]);

    const renamed = await call(`/api/auth/passkeys/${passkey.id}`, {
      method: 'PATCH',
      json: { name: '  Phone  ' },
      token: owner.accessToken,
    });
    expect(renamed.status).toBe(200);
    expect((await json<PasskeyBody>(renamed)).name).toBe('Phone');
    await expectProblem(
      await call(`/api/auth/passkeys/${passkey.id}`, {
        method: 'PATCH',
        json: { name: '' },
        token: owner.accessToken,
      }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/auth/passkeys/not-a-uuid', { method: 'DELETE', token: owner.accessToken }),
      400,
      'VALIDATION_FAILED',
    );

    const removed = await call(`/api/auth/passkeys/${passkey.id}`, {
      method: 'DELETE',
      token: owner.accessToken,
    });
    expect(removed.status).toBe(204);
    expect((await stored(owner.id)).keys).toHaveLength(0);
    const db = sql();
    const audit =
      await db`select 1 from audit_log where user_id = ${owner.id} and action = 'passkey.removed'`;
    await db.end();
    expect(audit).toHaveLength(1);
  });
});

describe('passkeys: refusals', () => {
  it.each<[string, CeremonyOverrides]>([
    ['another origin', { origin: 'https://evil.example' }],
    ['another RP ID hash', { rpId: 'evil.example' }],
    ['another challenge', { challenge: Buffer.from('not the challenge').toString('base64url') }],
    ['no user verification', { userVerified: false }],
    ['a registration ceremony type', { type: 'webauthn.create' }],
  ])('refuses a sign-in signed for %s, changing nothing', async (_label, overrides) => {
    const user = await registerUser();
    const { authenticator } = await addPasskey(user);
    const res = await passkeyLogin(authenticator, overrides);
    await expectProblem(res, 401, 'INVALID_CREDENTIALS');
    expect(res.headers.getSetCookie()).toEqual([]);
    const after = await stored(user.id);
    expect(after.keys[0]).toMatchObject({ counter: 1, last_used_at: null });
    expect(after.passkeySessions).toBe(0);
  });

  it('refuses a reused or unknown challenge id and an unknown credential', async () => {
    const user = await registerUser();
    const { authenticator } = await addPasskey(user);
    const { challengeId, options } = await loginOptions();
    const response = await authenticator.authenticate(options);
    const first = await call('/api/auth/passkeys/login/verify', {
      json: { challengeId, response },
    });
    expect(first.status).toBe(200);
    const replay = await call('/api/auth/passkeys/login/verify', {
      json: { challengeId, response },
    });
    await expectProblem(replay, 401, 'UNAUTHORIZED');

    const forged = await call('/api/auth/passkeys/login/verify', {
      json: {
        challengeId: 'made-up-challenge-id',
        response: await authenticator.authenticate(options),
      },
    });
    await expectProblem(forged, 401, 'UNAUTHORIZED');

    const stranger = await SoftAuthenticator.create(baseUrl());
    await expectProblem(await passkeyLogin(stranger), 401, 'INVALID_CREDENTIALS');
    expect((await stored(user.id)).passkeySessions).toBe(1);
  });

  it('refuses a signature counter that does not move forward (a cloned authenticator)', async () => {
    const user = await registerUser();
    const { authenticator } = await addPasskey(user);
    expect((await passkeyLogin(authenticator)).status).toBe(200); // counter 2
    for (const counter of [2, 1]) {
      await expectProblem(
        await passkeyLogin(authenticator, { counter }),
        401,
        'INVALID_CREDENTIALS',
      );
    }
    const after = await stored(user.id);
    expect(after.keys[0]).toMatchObject({ counter: 2 });
    expect(after.passkeySessions).toBe(1);
  });

  it('refuses a registration for another origin, RP ID or challenge, or without UV, storing nothing', async () => {
    const user = await registerUser();
    const cases: CeremonyOverrides[] = [
      { origin: 'https://evil.example' },
      { rpId: 'evil.example' },
      { challenge: Buffer.from('forged').toString('base64url') },
      { userVerified: false },
    ];
    for (const overrides of cases) {
      const authenticator = await SoftAuthenticator.create(baseUrl());
      const response = await authenticator.register(await registrationOptions(user), overrides);
      await expectProblem(await verifyRegistration(user, { response }), 400, 'PASSKEY_REJECTED');
    }
    // A challenge serves once: the answer to a consumed one is refused.
    const authenticator = await SoftAuthenticator.create(baseUrl());
    const response = await authenticator.register(await registrationOptions(user));
    expect((await verifyRegistration(user, { response })).status).toBe(201);
    await expectProblem(await verifyRegistration(user, { response }), 400, 'PASSKEY_REJECTED');
    expect((await stored(user.id)).keys).toHaveLength(1);
  });

  it('refuses the same credential on a second account', async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const { authenticator } = await addPasskey(alice);
    const response = await authenticator.register(await registrationOptions(bob));
    await expectProblem(await verifyRegistration(bob, { response }), 409, 'CONFLICT');
    expect((await stored(bob.id)).keys).toHaveLength(0);
  });

  it('needs a recent sign-in to add or remove a passkey, and a token to manage them', async () => {
    const user = await registerUser();
    const { passkey } = await addPasskey(user);
    const db = sql();
    await db`update sessions set authenticated_at = now() - interval '1 hour' where user_id = ${user.id}`;
    await db.end();
    await expectProblem(
      await call('/api/auth/passkeys/register/options', {
        method: 'POST',
        token: user.accessToken,
      }),
      403,
      'REAUTH_REQUIRED',
    );
    await expectProblem(
      await call(`/api/auth/passkeys/${passkey.id}`, { method: 'DELETE', token: user.accessToken }),
      403,
      'REAUTH_REQUIRED',
    );
    // Renaming is not sensitive.
    const renamed = await call(`/api/auth/passkeys/${passkey.id}`, {
      method: 'PATCH',
      json: { name: 'Still allowed' },
      token: user.accessToken,
    });
    expect(renamed.status).toBe(200);

    const routes: Array<[string, string]> = [
      ['GET', '/api/auth/passkeys'],
      ['POST', '/api/auth/passkeys/register/options'],
      ['POST', '/api/auth/passkeys/register/verify'],
      ['PATCH', `/api/auth/passkeys/${passkey.id}`],
      ['DELETE', `/api/auth/passkeys/${passkey.id}`],
    ];
    for (const [method, path] of routes) {
      const res = await call(
        path,
        method === 'POST' || method === 'PATCH' ? { method, json: {} } : { method },
      );
      await expectProblem(res, 401, 'UNAUTHORIZED');
    }
  });

  it('refuses malformed sign-in bodies', async () => {
    await expectProblem(
      await call('/api/auth/passkeys/login/verify', { json: { challengeId: 'x' } }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/auth/passkeys/login/verify', {
        json: { challengeId: 'x', response: { id: 'a+b', rawId: 'a', type: 'public-key' } },
      }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/auth/passkeys/login/options', { json: { challengeId: 'x' } }),
      400,
      'VALIDATION_FAILED',
    );
  });
});
