import { describe, expect, it } from 'vitest';
import { call, expectProblem, json, registerUser } from '../helpers/api';
import { type AgentBody, createAgent, listAgents, shareAgent } from './helpers';

describe('agents: security', () => {
  it('never lets one user read, change, copy, share or delete another’s agent', async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const agent = await createAgent(alice, {
      name: 'Alice private',
      systemPrompt: 'Alice’s secret instructions.',
      knowledge: 'Alice’s private notes.',
    });
    const attempts: Array<[string, string, unknown]> = [
      ['GET', `/api/agents/${agent.id}`, undefined],
      ['PATCH', `/api/agents/${agent.id}`, { name: 'Bob was here' }],
      ['DELETE', `/api/agents/${agent.id}`, undefined],
      ['POST', `/api/agents/${agent.id}/duplicate`, undefined],
      ['POST', `/api/agents/${agent.id}/share`, undefined],
      ['DELETE', `/api/agents/${agent.id}/share`, undefined],
    ];
    for (const [method, path, body] of attempts) {
      const problem = await expectProblem(
        await call(path, { method, json: body, token: bob.accessToken }),
        404,
        'NOT_FOUND',
      );
      expect(problem.detail).not.toContain('Alice');
    }
    const bobList = await listAgents(bob);
    expect(bobList.some((item) => !item.builtin)).toBe(false);
    // Alice's agent is exactly as she left it, and still not shared.
    const still = await json<AgentBody>(
      await call(`/api/agents/${agent.id}`, { token: alice.accessToken }),
    );
    expect(still).toEqual(agent);
  });

  it('shows a shared agent without its owner, and only through the live token', async () => {
    const alice = await registerUser({ name: 'Alice Owner' });
    const bob = await registerUser();
    const agent = await createAgent(alice, { name: 'Shared helper' });
    const { token } = await shareAgent(alice, agent.id);

    const res = await call(`/api/agents/shared/${token}`, { token: bob.accessToken });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(Object.keys(JSON.parse(text)).sort()).toEqual([
      'defaultModel',
      'description',
      'icon',
      'knowledge',
      'name',
      'systemPrompt',
      'temperature',
    ]);
    expect(text).not.toContain(alice.id);
    expect(text).not.toContain(alice.email);
    expect(text).not.toContain(agent.id);
    expect(text).not.toContain('Alice Owner');

    // A copy made through the link belongs to Bob alone; Alice's agent does not change.
    const copy = await json<AgentBody>(
      await call(`/api/agents/shared/${token}/duplicate`, {
        method: 'POST',
        token: bob.accessToken,
      }),
    );
    const edit = await call(`/api/agents/${copy.id}`, {
      method: 'PATCH',
      token: bob.accessToken,
      json: { systemPrompt: 'Changed by Bob' },
    });
    expect(edit.status).toBe(200);
    const original = await json<AgentBody>(
      await call(`/api/agents/${agent.id}`, { token: alice.accessToken }),
    );
    expect(original.systemPrompt).toBe(agent.systemPrompt);
    await expectProblem(
      await call(`/api/agents/${copy.id}`, { token: alice.accessToken }),
      404,
      'NOT_FOUND',
    );

    // The link's holder cannot use it to manage the agent.
    await expectProblem(
      await call(`/api/agents/${agent.id}/share`, { method: 'DELETE', token: bob.accessToken }),
      404,
      'NOT_FOUND',
    );
    expect((await call(`/api/agents/shared/${token}`, { token: bob.accessToken })).status).toBe(
      200,
    );

    // Deleting the agent kills its link.
    const gone = await call(`/api/agents/${agent.id}`, {
      method: 'DELETE',
      token: alice.accessToken,
    });
    expect(gone.status).toBe(204);
    await expectProblem(
      await call(`/api/agents/shared/${token}`, { token: bob.accessToken }),
      404,
      'NOT_FOUND',
    );
  });

  it('counts agent writes against a per-account rate limit', async () => {
    const user = await registerUser();
    const res = await call('/api/agents', {
      token: user.accessToken,
      json: { name: 'Counted', systemPrompt: 'x' },
    });
    expect(res.status).toBe(201);
    const first = Number(res.headers.get('RateLimit-Remaining'));
    const again = await call('/api/agents/builtin:sales/duplicate', {
      method: 'POST',
      token: user.accessToken,
    });
    expect(again.status).toBe(201);
    expect(Number(again.headers.get('RateLimit-Remaining'))).toBe(first - 1);
  });
});
