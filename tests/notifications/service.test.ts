import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DbHandle, openDatabase } from '../../db/client';
import type { NotificationEvent } from '../../durable-objects/notification-room';
import {
  type NotifyServices,
  notifyUser,
  pushLive,
  setPreferences,
} from '../../functions/notifications/service';
import type { Logger } from '../../functions/platform/logging';
import { createMailer } from '../../functions/platform/mailer';
import { mailsTo, query, waitForMail } from '../helpers/accounts';
import { registerUser } from '../helpers/api';

interface Harness {
  services: NotifyServices;
  published: Array<{ userId: string; event: NotificationEvent }>;
  warnings: string[];
  settle(): Promise<void>;
}

let handle: DbHandle;

beforeAll(() => {
  handle = openDatabase(inject('databaseUrl'), { max: 2 });
});

afterAll(async () => {
  await handle.close();
});

/** The services a job step would pass, over the test database, with a recording notifier. */
function harness(options: { failPublish?: boolean } = {}): Harness {
  const published: Harness['published'] = [];
  const warnings: string[] = [];
  const pending: Promise<unknown>[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (message: string) => warnings.push(message),
    error: (message: string) => warnings.push(message),
  };
  const services: NotifyServices = {
    db: handle.db,
    logger,
    mailer: createMailer(handle.db, logger, {}),
    notifier: {
      async publish(userId, event) {
        if (options.failPublish) throw new Error('room unavailable');
        published.push({ userId, event });
        return 1;
      },
      connect: () => Promise.reject(new Error('not used')),
    },
    background: (task) => pending.push(task),
    config: { appOrigin: 'https://webox.test' },
  };
  return {
    services,
    published,
    warnings,
    settle: async () => {
      await Promise.allSettled(pending);
    },
  };
}

const stored = (userId: string) =>
  query<{ type: string; title: string; link: string | null }>(
    (db) => db`select type, title, link from notifications where user_id = ${userId}`,
  );

describe('notifyUser', () => {
  it('stores, pushes the stored row live, and mails nothing by default', async () => {
    const user = await registerUser();
    const h = harness();
    await notifyUser(h.services, user.id, {
      type: 'job.succeeded',
      title: 'Your image is ready',
      body: 'A red fox.',
      link: '/generation?job=1',
      data: { jobId: '1' },
    });
    await h.settle();
    expect(await stored(user.id)).toEqual([
      { type: 'job.succeeded', title: 'Your image is ready', link: '/generation?job=1' },
    ]);
    expect(h.published).toHaveLength(1);
    expect(h.published[0]?.userId).toBe(user.id);
    expect(h.published[0]?.event).toMatchObject({
      type: 'notification',
      data: {
        type: 'job.succeeded',
        title: 'Your image is ready',
        body: 'A red fox.',
        link: '/generation?job=1',
        data: { jobId: '1' },
        readAt: null,
      },
    });
    expect(typeof h.published[0]?.event.data?.id).toBe('string');
    expect((await mailsTo(user.email)).filter((m) => /image is ready/.test(m.subject))).toEqual([]);
  });

  it('skips job notifications when jobFinished is off, but not other types', async () => {
    const user = await registerUser();
    await setPreferences({ db: handle.db }, user.id, {
      jobFinished: false,
      jobProgress: true,
      email: false,
    });
    const h = harness();
    await notifyUser(h.services, user.id, { type: 'job.failed', title: 'Failed' });
    expect(await stored(user.id)).toEqual([]);
    expect(h.published).toEqual([]);
    await notifyUser(h.services, user.id, { type: 'billing.receipt', title: 'Receipt' });
    expect((await stored(user.id)).map((n) => n.title)).toEqual(['Receipt']);
  });

  it('e-mails in the account language when asked, with an absolute link', async () => {
    const user = await registerUser();
    await setPreferences({ db: handle.db }, user.id, {
      jobFinished: true,
      jobProgress: true,
      email: true,
    });
    // registerUser leaves the default locale (fr).
    const h = harness();
    await notifyUser(h.services, user.id, {
      type: 'job.succeeded',
      title: 'Votre eBook est prêt',
      link: '/generation?job=42',
    });
    await h.settle();
    const mail = await waitForMail(user.email, /Votre eBook est prêt/);
    expect(mail.subject).toBe('WeBox : Votre eBook est prêt');
    expect(mail.text_body).toContain('Bonjour');
    expect(mail.text_body).toContain('https://webox.test/generation?job=42');

    await query((db) => db`update users set locale = 'en' where id = ${user.id}`);
    await notifyUser(h.services, user.id, { type: 'job.failed', title: 'Your video failed' });
    await h.settle();
    const english = await waitForMail(user.email, /Your video failed/);
    expect(english.subject).toBe('WeBox: Your video failed');
    expect(english.text_body).toMatch(/^Hello /);
  });

  it('keeps the stored row and does not throw when the live push fails', async () => {
    const user = await registerUser();
    const h = harness({ failPublish: true });
    await expect(
      notifyUser(h.services, user.id, { type: 'job.succeeded', title: 'Done anyway' }),
    ).resolves.toBeUndefined();
    expect((await stored(user.id)).map((n) => n.title)).toEqual(['Done anyway']);
    expect(h.warnings).toContain('notification publish failed');
  });
});

describe('pushLive', () => {
  it('pushes progress unless the user turned it off, reading the choice once per bundle', async () => {
    const user = await registerUser();
    const progress = { type: 'job.progress', data: { jobId: 'j', progress: 50 } };
    const first = harness();
    await pushLive(first.services, user.id, progress);
    expect(first.published.map((p) => p.event)).toEqual([progress]);

    await setPreferences({ db: handle.db }, user.id, {
      jobFinished: true,
      jobProgress: false,
      email: false,
    });
    // Same bundle (same request): the cached choice still applies.
    await pushLive(first.services, user.id, progress);
    expect(first.published).toHaveLength(2);
    // A new request reads the new choice.
    const second = harness();
    await pushLive(second.services, user.id, progress);
    expect(second.published).toEqual([]);
    // Nothing was stored: progress is live only.
    expect(await stored(user.id)).toEqual([]);
  });

  it('never throws, even when publishing fails', async () => {
    const user = await registerUser();
    const h = harness({ failPublish: true });
    await expect(
      pushLive(h.services, user.id, { type: 'job.progress', data: {} }),
    ).resolves.toBeUndefined();
    expect(h.warnings).toContain('notification publish failed');
  });
});
