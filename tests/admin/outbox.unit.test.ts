import { describe, expect, it } from 'vitest';
import { listOutbox } from '../../functions/admin/service';
import type { Services } from '../../functions/platform/env';
import { ApiError } from '../../functions/platform/errors';

/** A database that fails the test if the outbox is read at all. */
const untouchable = new Proxy(
  {},
  {
    get() {
      throw new Error('the outbox was read outside development');
    },
  },
) as Services['db'];

const servicesIn = (environment: string) =>
  ({ config: { environment }, db: untouchable }) as unknown as Pick<Services, 'config' | 'db'>;

describe('admin mail outbox', () => {
  for (const environment of ['production', 'staging', '']) {
    it(`is not served in ${environment || 'an unnamed environment'}, before any read`, async () => {
      const attempt = listOutbox(servicesIn(environment), 10);
      await expect(attempt).rejects.toBeInstanceOf(ApiError);
      await expect(attempt).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  }

  it('reads the outbox in development', async () => {
    await expect(listOutbox(servicesIn('development'), 10)).rejects.toThrow(
      'the outbox was read outside development',
    );
  });
});
