import { describe, expect, test } from 'vitest';
import { call, json, registerUser, sql, type TestUser } from '../helpers/api';
import { download, type Job, startJob, waitForJob } from '../helpers/generation';
import { open, until, wsUrl } from '../notifications/sockets';

const PNG = [0x89, 0x50, 0x4e, 0x47];
const starts = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);
const ascii = (bytes: Uint8Array, from: number, to: number) =>
  new TextDecoder().decode(bytes.slice(from, to));

async function openSocket(user: TestUser) {
  const res = await call('/api/notifications/socket-token', {
    method: 'POST',
    token: user.accessToken,
  });
  const { url } = await json<{ url: string }>(res);
  return open(wsUrl(url));
}

describe('generation with the offline provider', () => {
  test('two images: stored in R2 with their job and prompt, progress pushed live to 100 %', async () => {
    const user = await registerUser();
    const live = await openSocket(user);
    const job = await startJob(user, {
      kind: 'image',
      provider: 'offline',
      prompt: 'Un phare breton au coucher du soleil',
      n: 2,
    });
    expect(job).toMatchObject({ kind: 'image', status: 'queued', offline: true, stepsTotal: 1 });
    const done = await waitForJob(user, job.id);
    expect(done).toMatchObject({ status: 'succeeded', progress: 100, stepsDone: 1, costMicros: 0 });
    expect(done.files).toHaveLength(2);
    for (const file of done.files) {
      expect(file).toMatchObject({ role: 'image', contentType: 'image/png' });
      const bytes = await download(file);
      expect(starts(bytes, PNG)).toBe(true);
      expect(bytes.length).toBe(file.size);
    }
    expect(done.files[0]?.mediaId).not.toBe(done.files[1]?.mediaId);
    const db = sql();
    try {
      const rows = await db`select job_id, prompt, source, kind from media_files
                            where user_id = ${user.id} order by created_at`;
      expect(rows).toHaveLength(2);
      expect(rows.every((row) => row.job_id === job.id && row.source === 'generated')).toBe(true);
      expect(rows[0]?.prompt).toBe('Un phare breton au coucher du soleil');
      const notes = await db`select type, link from notifications where user_id = ${user.id}`;
      expect(notes).toEqual([{ type: 'job.succeeded', link: `/generation?job=${job.id}` }]);
    } finally {
      await db.end();
    }
    await until(() =>
      live.messages.some(
        (m) => m.type === 'job.progress' && m.data?.jobId === job.id && m.data?.progress === 100,
      ),
    );
    const statuses = live.messages
      .filter((m) => m.type === 'job.progress' && m.data?.jobId === job.id)
      .map((m) => m.data?.status);
    expect(statuses).toContain('running');
    expect(statuses.at(-1)).toBe('succeeded');
    await until(() => live.messages.some((m) => m.type === 'notification'));
    live.socket.close();
  });

  test('a French eBook: outline, chapters, cover, a PDF with the chapters and an EPUB', async () => {
    const user = await registerUser();
    const job = await startJob(user, {
      kind: 'ebook',
      model: 'offline/offline-detailed',
      title: 'Les étoiles filantes',
      subject: 'Observer les météores depuis la campagne française',
      chapters: 4,
      language: 'fr',
    });
    expect(job.stepsTotal).toBe(1 + 4 + 3);
    const done = await waitForJob(user, job.id, undefined, 120_000);
    expect(done.status, done.error ?? '').toBe('succeeded');
    const roles = done.files.map((file) => file.role).sort();
    expect(roles).toEqual(['cover', 'epub', 'pdf']);
    const pdfFile = done.files.find((file) => file.role === 'pdf');
    const epubFile = done.files.find((file) => file.role === 'epub');
    if (!pdfFile || !epubFile) throw new Error('missing files');
    const pdf = await download(pdfFile);
    expect(ascii(pdf, 0, 5)).toBe('%PDF-');
    const { getDocumentProxy, extractText } = await import('unpdf');
    const doc = await getDocumentProxy(new Uint8Array(pdf));
    expect(doc.numPages).toBe(done.data?.pages);
    expect(done.data?.chapters).toBe(4);
    const { text } = await extractText(doc, { mergePages: false });
    const all = text.join('\n');
    const db = sql();
    const chapters = await db`select result->>'title' as title from generation_steps
                              where job_id = ${job.id} and name = 'chapter' order by step`;
    await db.end();
    expect(chapters).toHaveLength(4);
    for (const { title } of chapters) {
      // Each title appears in the table of contents and on its chapter's first page.
      const pages = text.filter((page) => page.includes(title as string));
      expect(pages.length, title as string).toBeGreaterThanOrEqual(2);
    }
    expect(all).toMatch(/é/);
    const epub = await download(epubFile);
    expect(ascii(epub, 0, 2)).toBe('PK');
    expect(ascii(epub, 30, 38)).toBe('mimetype');
  });

  test('a short: script, voice-over, one picture per scene and a timed storyboard', async () => {
    const user = await registerUser();
    const job = await startJob(user, {
      kind: 'short',
      model: 'offline/offline-brief',
      topic: 'Trois astuces pour mieux dormir',
      scenes: 3,
      durationSeconds: 15,
      language: 'fr',
    });
    const done = await waitForJob(user, job.id, undefined, 90_000);
    expect(done.status, done.error ?? '').toBe('succeeded');
    const scenes = done.files.filter((file) => file.role === 'scene');
    const voice = done.files.find((file) => file.role === 'voice');
    const board = done.files.find((file) => file.role === 'storyboard');
    expect(scenes).toHaveLength(3);
    // Everything here came from the offline generators: each file says so, in its name too.
    for (const file of done.files) {
      expect(file.offline, file.role).toBe(true);
      expect(file.name).toMatch(/-offline\.\w+$/);
    }
    if (!voice || !board) throw new Error('missing voice or storyboard');
    expect(ascii(await download(voice), 0, 4)).toBe('RIFF');
    const storyboard = JSON.parse(new TextDecoder().decode(await download(board))) as {
      durationMs: number;
      voiceover: { mediaId: string };
      scenes: { startMs: number; endMs: number; text: string; imageMediaId: string }[];
    };
    expect(storyboard.voiceover.mediaId).toBe(voice.mediaId);
    expect(storyboard.scenes).toHaveLength(3);
    expect(storyboard.scenes.map((s) => s.imageMediaId)).toEqual(scenes.map((s) => s.mediaId));
    expect(storyboard.scenes[0]?.startMs).toBe(0);
    expect(storyboard.scenes.at(-1)?.endMs).toBe(storyboard.durationMs);
    for (const [i, scene] of storyboard.scenes.entries()) {
      expect(scene.endMs).toBeGreaterThan(scene.startMs);
      if (i > 0) expect(scene.startMs).toBe(storyboard.scenes[i - 1]?.endMs);
      expect(scene.text.length).toBeGreaterThan(0);
    }
  });

  test('an ad: copy variants and one visual per variant', async () => {
    const user = await registerUser();
    const job = await startJob(user, {
      kind: 'ad',
      model: 'offline/offline-brief',
      brief: 'Une gourde isotherme pour les randonneurs',
      adType: 'lifestyle',
      variants: 2,
      language: 'fr',
    });
    const done = await waitForJob(user, job.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    const variants = done.data?.variants as { headline: string; body: string; cta: string }[];
    expect(variants).toHaveLength(2);
    for (const variant of variants) {
      expect(variant.headline.length).toBeGreaterThan(0);
      expect(variant.cta.length).toBeGreaterThan(0);
    }
    expect(done.files.filter((file) => file.role === 'image')).toHaveLength(2);
  });

  test('speech, music and video each give a real file', async () => {
    const user = await registerUser();
    const jobs: Job[] = [
      await startJob(user, {
        kind: 'audio',
        mode: 'speech',
        provider: 'offline',
        text: 'Bonjour et bienvenue sur WeBox.',
      }),
      await startJob(user, {
        kind: 'audio',
        mode: 'music',
        provider: 'offline',
        text: 'calm piano',
        durationSeconds: 3,
      }),
      await startJob(user, {
        kind: 'video',
        provider: 'offline',
        prompt: 'waves on a beach',
        durationSeconds: 4,
      }),
    ];
    const [speech, music, video] = await Promise.all(jobs.map((job) => waitForJob(user, job.id)));
    for (const done of [speech, music, video])
      expect(done?.status, done?.error ?? '').toBe('succeeded');
    const speechBytes = await download(speech?.files[0] as Job['files'][number]);
    expect(ascii(speechBytes, 0, 4)).toBe('RIFF');
    expect(ascii(speechBytes, 8, 12)).toBe('WAVE');
    const musicBytes = await download(music?.files[0] as Job['files'][number]);
    expect(ascii(musicBytes, 0, 4)).toBe('RIFF');
    const videoBytes = await download(video?.files[0] as Job['files'][number]);
    expect(ascii(videoBytes, 0, 6)).toBe('GIF89a');
  });

  test('the same Idempotency-Key gives back the same job', async () => {
    const user = await registerUser();
    const key = `img-${Date.now()}-key`;
    const first = await startJob(
      user,
      { kind: 'image', provider: 'offline', prompt: 'a fox' },
      key,
    );
    const again = await call('/api/jobs', {
      json: { kind: 'image', provider: 'offline', prompt: 'a fox' },
      token: user.accessToken,
      headers: { 'Idempotency-Key': key },
    });
    expect(again.status).toBe(200);
    expect((await json<{ job: Job }>(again)).job.id).toBe(first.id);
    const list = await json<{ items: Job[] }>(await call('/api/jobs', { token: user.accessToken }));
    expect(list.items.map((job) => job.id)).toEqual([first.id]);
  });

  test('providers list says which are offline and which need a key', async () => {
    const user = await registerUser();
    const res = await call('/api/generation/providers', { token: user.accessToken });
    expect(res.status).toBe(200);
    const body =
      await json<Record<string, { provider: string; offline: boolean; configured: boolean }[]>>(
        res,
      );
    for (const capability of ['image', 'speech', 'music', 'video']) {
      const offline = body[capability]?.find((p) => p.provider === 'offline');
      expect(offline).toMatchObject({ offline: true, configured: true });
    }
    expect(body.image?.find((p) => p.provider === 'openai')?.configured).toBe(false);
  });
});
