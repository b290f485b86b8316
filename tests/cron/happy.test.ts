import { describe, expect, it } from 'vitest';
import { call, registerUser, sql } from '../helpers/api';

describe('cron sweep', () => {
  it('deletes long-ended sessions and keeps live ones', async () => {
    const user = await registerUser();
    const db = sql();
    const familyId = crypto.randomUUID();
    await db`insert into sessions (user_id, family_id, token_hash, expires_at)
             values (${user.id}, ${familyId}, ${`old-${familyId}`}, now() - interval '30 days')`;
    await db`insert into auth_tokens (user_id, purpose, token_hash, expires_at)
             values (${user.id}, 'reset_password', ${`old-${familyId}`}, now() - interval '2 days')`;
    const res = await call('/__scheduled?cron=*/15+*+*+*+*');
    expect(res.status).toBe(200);
    const tokens = await db`select 1 from auth_tokens where token_hash = ${`old-${familyId}`}`;
    expect(tokens).toHaveLength(0);
    const rows = await db`select family_id from sessions where user_id = ${user.id}`;
    await db.end();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.family_id).not.toBe(familyId);
  });

  it('purges conversations deleted over 30 days ago and fails replies stuck streaming', async () => {
    const user = await registerUser();
    const db = sql();
    try {
      const [old] = await db`insert into conversations (user_id, title, deleted_at)
        values (${user.id}, 'old', now() - interval '31 days') returning id`;
      const [recent] = await db`insert into conversations (user_id, title, deleted_at)
        values (${user.id}, 'recent', now() - interval '2 days') returning id`;
      const [live] =
        await db`insert into conversations (user_id, title) values (${user.id}, 'live') returning id`;
      const [stuck] =
        await db`insert into messages (conversation_id, user_id, role, status, created_at)
        values (${live?.id}, ${user.id}, 'assistant', 'streaming', now() - interval '2 hours') returning id`;
      const [fresh] = await db`insert into messages (conversation_id, user_id, role, status)
        values (${live?.id}, ${user.id}, 'assistant', 'streaming') returning id`;
      expect((await call('/__scheduled?cron=*/15+*+*+*+*')).status).toBe(200);
      const left =
        await db`select title from conversations where user_id = ${user.id} order by title`;
      expect(left.map((row) => row.title)).toEqual(['live', 'recent']);
      expect(old?.id).not.toBe(recent?.id);
      const states =
        await db`select id, status, error from messages where conversation_id = ${live?.id}`;
      const byId = new Map(states.map((row) => [row.id, row]));
      expect(byId.get(stuck?.id)).toMatchObject({ status: 'failed', error: { code: 'TURN_LOST' } });
      expect(byId.get(fresh?.id)?.status).toBe('streaming');
    } finally {
      await db.end();
    }
  });
});
