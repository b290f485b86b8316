import { createServer, request } from 'node:http';
import { readBody } from './http';
import type { RoundTripRecorder } from './round-trips';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The commands of an Upstash REST call: the JSON body (one command or a pipeline) or the path. */
function describe(path: string, body: Buffer): string {
  const text = body.length ? body.toString('utf8') : decodeURIComponent(path);
  return `${path.startsWith('/pipeline') || path.startsWith('/multi-exec') ? `${path} ` : ''}${text}`.slice(
    0,
    500,
  );
}

export interface HttpProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of the Upstash REST stand-in: delays the request and the answer by the
 * recorder's delay and records each call (a pipeline is one call) as an exchange.
 */
export async function startRedisProxy(opts: {
  upstream: string;
  port: number;
  recorder: RoundTripRecorder;
}): Promise<HttpProxy> {
  const { recorder } = opts;
  const target = new URL(opts.upstream);
  const server = createServer((req, res) => {
    const exchange = recorder.open('redis', recorder.connectionId());
    void (async () => {
      const body = await readBody(req, 64 * 1024 * 1024, () => new Error('too large'));
      exchange.text.push(describe(req.url ?? '/', body));
      if (recorder.delayMs > 0) await sleep(recorder.delayMs);
      const upstream = await new Promise<{
        status: number;
        headers: Record<string, string>;
        body: Buffer;
      }>((resolve, reject) => {
        const headers = { ...req.headers, host: target.host };
        const out = request(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers },
          (answer) => {
            const chunks: Buffer[] = [];
            answer.on('data', (c: Buffer) => chunks.push(c));
            answer.on('end', () => {
              const h: Record<string, string> = {};
              for (const [k, v] of Object.entries(answer.headers)) {
                if (typeof v === 'string' && k !== 'transfer-encoding' && k !== 'connection')
                  h[k] = v;
              }
              resolve({
                status: answer.statusCode ?? 502,
                headers: h,
                body: Buffer.concat(chunks),
              });
            });
            answer.on('error', reject);
          },
        );
        out.on('error', reject);
        out.end(body);
      });
      if (recorder.delayMs > 0) await sleep(recorder.delayMs);
      upstream.headers['content-length'] = String(upstream.body.length);
      res.writeHead(upstream.status, upstream.headers);
      res.end(upstream.body);
      exchange.end = recorder.now();
    })().catch((error: unknown) => {
      exchange.end = recorder.now();
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `ERR proxy: ${String(error)}` }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
