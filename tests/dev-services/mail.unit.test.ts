import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailSink, SentMail } from '../../tools/dev-services/mail';
import { startMailSink } from '../../tools/dev-services/mail';

const API_KEY = 're_test_key';

describe('mail sink', () => {
  let sink: MailSink;
  const logs: string[] = [];

  beforeAll(async () => {
    sink = await startMailSink({ port: 0, apiKey: API_KEY, log: (line) => logs.push(line) });
  });

  afterAll(async () => {
    await sink?.close();
  });

  const send = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${sink.url}/emails`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${API_KEY}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(body),
    });

  it('accepts a message and returns its id', async () => {
    const res = await send({
      from: 'WeBox <no-reply@webox.local>',
      to: 'ada@example.com',
      subject: 'Welcome to WeBox ✓',
      html: '<p>Hello</p>',
      reply_to: 'support@webox.local',
      headers: { 'X-Entity-Ref-ID': '42' },
    });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const [mail] = sink.messages();
    expect(mail).toMatchObject({
      id,
      from: 'WeBox <no-reply@webox.local>',
      to: ['ada@example.com'],
      reply_to: ['support@webox.local'],
      subject: 'Welcome to WeBox ✓',
      html: '<p>Hello</p>',
      headers: { 'X-Entity-Ref-ID': '42' },
    });
    expect(logs.at(-1)).toBe('to ada@example.com: Welcome to WeBox ✓');
  });

  it('lists messages newest first', async () => {
    await send({
      from: 'a@webox.local',
      to: ['b@example.com', 'c@example.com'],
      subject: 'first',
      text: '1',
    });
    await send({ from: 'a@webox.local', to: 'd@example.com', subject: 'second', text: '2' });
    const res = await fetch(`${sink.url}/emails`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(res.status).toBe(200);
    const listed = (await res.json()) as SentMail[];
    expect(listed.slice(0, 2).map((mail) => mail.subject)).toEqual(['second', 'first']);
    expect(listed[1]?.to).toEqual(['b@example.com', 'c@example.com']);
    expect(sink.messages().map((mail) => mail.subject)).toEqual(listed.map((mail) => mail.subject));

    const one = await fetch(`${sink.url}/emails/${listed[0]?.id}`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(((await one.json()) as SentMail).subject).toBe('second');
  });

  it('rejects invalid messages with 422', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ to: 'x@example.com', subject: 's', text: 't' }, /`from`/],
      [{ from: 'a@webox.local', subject: 's', text: 't' }, /`to`/],
      [{ from: 'a@webox.local', to: 'not-an-address', subject: 's', text: 't' }, /`to`/],
      [{ from: 'a@webox.local', to: 'x@example.com', text: 't' }, /`subject`/],
      [{ from: 'a@webox.local', to: 'x@example.com', subject: 's' }, /`html` or `text`/],
      [{ from: 'a@webox.local', to: [], subject: 's', text: 't' }, /`to`/],
    ];
    const before = sink.messages().length;
    for (const [body, message] of cases) {
      const res = await send(body);
      expect(res.status).toBe(422);
      const error = (await res.json()) as { statusCode: number; name: string; message: string };
      expect(error.statusCode).toBe(422);
      expect(error.name).toBe('validation_error');
      expect(error.message).toMatch(message);
    }
    const bad = await fetch(`${sink.url}/emails`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}` },
      body: '{not json',
    });
    expect(bad.status).toBe(422);
    expect(sink.messages()).toHaveLength(before);
  });

  it('rejects a missing or wrong API key with 401', async () => {
    const wrong = await send(
      { from: 'a@webox.local', to: 'x@example.com', subject: 's', text: 't' },
      {
        authorization: 'Bearer nope',
      },
    );
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { statusCode: number }).statusCode).toBe(401);
    const missing = await fetch(`${sink.url}/emails`);
    expect(missing.status).toBe(401);
  });

  it('honours Idempotency-Key', async () => {
    const mail = { from: 'a@webox.local', to: 'x@example.com', subject: 'once', text: 't' };
    const first = (await (await send(mail, { 'idempotency-key': 'k1' })).json()) as { id: string };
    const second = (await (await send(mail, { 'idempotency-key': 'k1' })).json()) as { id: string };
    expect(second.id).toBe(first.id);
    expect(sink.messages().filter((m) => m.subject === 'once')).toHaveLength(1);
  });

  it('accepts batches', async () => {
    const res = await fetch(`${sink.url}/emails/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify([
        { from: 'a@webox.local', to: 'x@example.com', subject: 'b1', text: '1' },
        { from: 'a@webox.local', to: 'y@example.com', subject: 'b2', text: '2' },
      ]),
    });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: Array<{ id: string }> };
    expect(data).toHaveLength(2);
    expect(
      sink
        .messages()
        .slice(0, 2)
        .map((m) => m.subject),
    ).toEqual(['b2', 'b1']);
  });
});
