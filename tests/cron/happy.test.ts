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
});
