import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DbHandle, openDatabase } from '../../db/client';
import { BUILTIN_AGENTS } from '../../functions/agents/builtins';
import { resolveAgent } from '../../functions/agents/service';
import { call, expectProblem, json, registerUser } from '../helpers/api';
import {
  type AgentBody,
  BUILTIN_KEYS,
  createAgent,
  listAgents,
  setLocale,
  shareAgent,
} from './helpers';

describe('agents: happy paths', () => {
  it('lists the eight built-ins in the profile language, French by default', async () => {
    const user = await registerUser();
    const fr = await listAgents(user);
    expect(fr.map((agent) => agent.id)).toEqual(BUILTIN_KEYS.map((key) => `builtin:${key}`));
    expect(fr.every((agent) => agent.builtin && !agent.shared)).toBe(true);
    expect(fr.find((agent) => agent.id === 'builtin:legal')).toMatchObject({
      name: 'Assistant juridique',
      icon: '⚖️',
      temperature: 0.2,
      defaultModel: null,
    });

    await setLocale(user, 'en');
    const en = await listAgents(user);
    expect(en.map((agent) => agent.id)).toEqual(fr.map((agent) => agent.id));
    expect(en.find((agent) => agent.id === 'builtin:legal')?.name).toBe('Legal assistant');
    expect(en.find((agent) => agent.id === 'builtin:sales')?.name).toBe('Sales coach');

    const res = await call('/api/agents/builtin:finance', { token: user.accessToken });
    expect(res.status).toBe(200);
    const finance = await json<AgentBody>(res);
    const source = BUILTIN_AGENTS.find((agent) => agent.key === 'finance');
    expect(finance.systemPrompt).toBe(source?.en.systemPrompt);
    expect(finance.systemPrompt.split('\n').length).toBeGreaterThanOrEqual(8);
    expect(finance).toMatchObject({ builtin: true, knowledge: '', shareUrl: null });
  });

  it('creates, reads, lists, changes and deletes an own agent', async () => {
    const user = await registerUser();
    const created = await createAgent(user, {
      name: '  Changelog writer  ',
      description: 'Release notes from merged changes',
      systemPrompt: 'You write release notes grouped by feature, fix and chore.',
      knowledge: 'Our product is called WeBox.',
      icon: '📝',
      temperature: 0.3,
      defaultModel: 'offline/offline-brief',
    });
    expect(created).toMatchObject({
      name: 'Changelog writer',
      description: 'Release notes from merged changes',
      knowledge: 'Our product is called WeBox.',
      icon: '📝',
      temperature: 0.3,
      defaultModel: 'offline/offline-brief',
      builtin: false,
      shared: false,
      shareUrl: null,
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);

    const minimal = await createAgent(user, { name: 'Minimal' });
    expect(minimal).toMatchObject({
      icon: '🤖',
      description: '',
      knowledge: '',
      temperature: null,
      defaultModel: null,
    });

    const list = await listAgents(user);
    expect(list).toHaveLength(BUILTIN_KEYS.length + 2);
    // Own agents come after the built-ins, most recently changed first.
    expect(list.slice(BUILTIN_KEYS.length).map((agent) => agent.id)).toEqual([
      minimal.id,
      created.id,
    ]);
    expect(list[BUILTIN_KEYS.length + 1]).not.toHaveProperty('systemPrompt');

    const got = await json<AgentBody>(
      await call(`/api/agents/${created.id}`, { token: user.accessToken }),
    );
    expect(got).toEqual(created);

    const patched = await call(`/api/agents/${created.id}`, {
      method: 'PATCH',
      token: user.accessToken,
      json: { name: 'Release notes', temperature: null, defaultModel: 'offline/offline-coder' },
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    const updated = await json<AgentBody>(patched);
    expect(updated).toMatchObject({
      name: 'Release notes',
      temperature: null,
      defaultModel: 'offline/offline-coder',
      systemPrompt: created.systemPrompt,
    });
    expect(Date.parse(updated.updatedAt ?? '')).toBeGreaterThan(
      Date.parse(created.updatedAt ?? ''),
    );
    expect((await listAgents(user))[BUILTIN_KEYS.length]?.id).toBe(created.id);

    const deleted = await call(`/api/agents/${created.id}`, {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(deleted.status).toBe(204);
    await expectProblem(
      await call(`/api/agents/${created.id}`, { token: user.accessToken }),
      404,
      'NOT_FOUND',
    );
    expect((await listAgents(user)).map((agent) => agent.id)).not.toContain(created.id);
  });

  it('duplicates a built-in in the user’s language, and an own agent', async () => {
    const user = await registerUser();
    const res = await call('/api/agents/builtin:legal/duplicate', {
      method: 'POST',
      token: user.accessToken,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const copy = await json<AgentBody>(res);
    const legal = BUILTIN_AGENTS.find((agent) => agent.key === 'legal');
    expect(copy).toMatchObject({
      name: 'Assistant juridique (copie)',
      systemPrompt: legal?.fr.systemPrompt,
      icon: legal?.icon,
      temperature: legal?.temperature,
      builtin: false,
      shared: false,
    });
    expect(copy.id).not.toBe('builtin:legal');

    // The copy is the user's own: editable, unlike the built-in.
    const edit = await call(`/api/agents/${copy.id}`, {
      method: 'PATCH',
      token: user.accessToken,
      json: { name: 'Mon juriste' },
    });
    expect(edit.status).toBe(200);

    await setLocale(user, 'en');
    const again = await json<AgentBody>(
      await call(`/api/agents/${copy.id}/duplicate`, { method: 'POST', token: user.accessToken }),
    );
    expect(again.name).toBe('Mon juriste (copy)');
    expect(again.systemPrompt).toBe(copy.systemPrompt);

    const long = await createAgent(user, { name: 'x'.repeat(80) });
    const longCopy = await json<AgentBody>(
      await call(`/api/agents/${long.id}/duplicate`, { method: 'POST', token: user.accessToken }),
    );
    expect(longCopy.name).toBe(`${'x'.repeat(73)} (copy)`);
    expect(longCopy.name).toHaveLength(80);
  });

  it('shares a read-only link another user can read and copy, until it is revoked', async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const agent = await createAgent(alice, {
      name: 'Pitch reviewer',
      description: 'Reviews pitch decks',
      systemPrompt: 'Review the pitch deck slide by slide.',
      knowledge: 'Investors care about traction.',
      temperature: 0.5,
      defaultModel: 'offline/offline-detailed',
      icon: '🎯',
    });
    const link = await shareAgent(alice, agent.id);
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.shareUrl).toMatch(new RegExp(`/agents\\?shared=${link.token}$`));
    // Asking again keeps the link already handed out.
    expect(await shareAgent(alice, agent.id)).toEqual(link);
    const mine = (await listAgents(alice)).find((item) => item.id === agent.id);
    expect(mine?.shared).toBe(true);
    const full = await json<AgentBody>(
      await call(`/api/agents/${agent.id}`, { token: alice.accessToken }),
    );
    expect(full.shareUrl).toBe(link.shareUrl);

    const view = await call(`/api/agents/shared/${link.token}`, { token: bob.accessToken });
    expect(view.status).toBe(200);
    expect(await view.json()).toEqual({
      name: 'Pitch reviewer',
      icon: '🎯',
      description: 'Reviews pitch decks',
      systemPrompt: 'Review the pitch deck slide by slide.',
      defaultModel: 'offline/offline-detailed',
      temperature: 0.5,
      knowledge: 'Investors care about traction.',
    });

    const added = await call(`/api/agents/shared/${link.token}/duplicate`, {
      method: 'POST',
      token: bob.accessToken,
    });
    expect(added.status, await added.clone().text()).toBe(201);
    const bobCopy = await json<AgentBody>(added);
    expect(bobCopy).toMatchObject({
      name: 'Pitch reviewer (copie)',
      systemPrompt: 'Review the pitch deck slide by slide.',
      knowledge: 'Investors care about traction.',
      shared: false,
    });
    expect((await listAgents(bob)).map((item) => item.id)).toContain(bobCopy.id);

    const revoke = await call(`/api/agents/${agent.id}/share`, {
      method: 'DELETE',
      token: alice.accessToken,
    });
    expect(revoke.status).toBe(204);
    await expectProblem(
      await call(`/api/agents/shared/${link.token}`, { token: bob.accessToken }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call(`/api/agents/shared/${link.token}/duplicate`, {
        method: 'POST',
        token: bob.accessToken,
      }),
      404,
      'NOT_FOUND',
    );
    expect((await listAgents(alice)).find((item) => item.id === agent.id)?.shared).toBe(false);
    // Bob's copy is his own and outlives the link.
    expect((await call(`/api/agents/${bobCopy.id}`, { token: bob.accessToken })).status).toBe(200);

    // Sharing again makes a new link; the revoked one stays dead.
    const fresh = await shareAgent(alice, agent.id);
    expect(fresh.token).not.toBe(link.token);
    expect(
      (await call(`/api/agents/shared/${fresh.token}`, { token: bob.accessToken })).status,
    ).toBe(200);
    await expectProblem(
      await call(`/api/agents/shared/${link.token}`, { token: bob.accessToken }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('resolveAgent (for the chat)', () => {
  let handle: DbHandle;

  beforeAll(() => {
    handle = openDatabase(inject('databaseUrl'));
  });

  afterAll(async () => {
    await handle?.close();
  });

  it('gives built-ins in the user’s language and own agents with their knowledge', async () => {
    const user = await registerUser();
    const services = { db: handle.db };
    const sales = BUILTIN_AGENTS.find((agent) => agent.key === 'sales');

    expect(await resolveAgent(services, user.id, 'builtin:sales')).toEqual({
      id: 'builtin:sales',
      name: 'Coach commercial',
      icon: sales?.icon,
      systemPrompt: sales?.fr.systemPrompt,
      defaultModel: null,
      temperature: sales?.temperature,
    });
    await setLocale(user, 'en');
    const english = await resolveAgent(services, user.id, 'builtin:sales');
    expect(english.name).toBe('Sales coach');
    expect(english.systemPrompt).toBe(sales?.en.systemPrompt);

    const own = await createAgent(user, {
      name: 'Support bot',
      systemPrompt: 'Answer support questions.',
      knowledge: 'Refunds within 30 days.\n',
      temperature: 0.1,
      defaultModel: 'offline/offline-brief',
    });
    expect(await resolveAgent(services, user.id, own.id)).toEqual({
      id: own.id,
      name: 'Support bot',
      icon: '🤖',
      systemPrompt: 'Answer support questions.\n\nReference knowledge:\nRefunds within 30 days.',
      defaultModel: 'offline/offline-brief',
      temperature: 0.1,
    });
    const plain = await createAgent(user, { name: 'Plain', systemPrompt: 'Be brief.' });
    expect((await resolveAgent(services, user.id, plain.id)).systemPrompt).toBe('Be brief.');

    const other = await registerUser();
    for (const id of [own.id, 'builtin:nobody', 'not-an-id']) {
      await expect(resolveAgent(services, other.id, id)).rejects.toMatchObject({
        code: 'NOT_FOUND',
        status: 404,
      });
    }
  });
});
