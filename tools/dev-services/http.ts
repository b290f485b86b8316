import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';

/** A status and JSON payload to answer with. */
export type JsonReply = [status: number, payload: unknown];

/** A started server: its base URL and a way to stop it. */
export interface Listening {
  url: string;
  /** Stops accepting and drops open (keep-alive) connections, so tests do not hang on them. */
  close(): Promise<void>;
}

/**
 * Reads the whole request body. Once more than `limit` bytes arrive the request is destroyed and
 * the promise rejects with `tooLarge()`, so each service answers in its own error shape.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  tooLarge: () => Error,
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(tooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses a UTF-8 JSON body, throwing `invalid()` when it is not JSON. */
export function parseJsonBody(body: Buffer, invalid: () => Error): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw invalid();
  }
}

/** Answers with `payload` as JSON; an `undefined` payload sends an empty body. */
export function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const text = payload === undefined ? '' : JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The token of an `Authorization: Bearer <token>` header, or `undefined` without one. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

/**
 * A check of supplied tokens against `secret`. Both sides are hashed to the same length first, so
 * the constant-time comparison does not reveal the secret's length.
 */
export function tokenCheck(secret: string): (supplied: string) => boolean {
  const expected = sha256(secret);
  return (supplied) => timingSafeEqual(sha256(supplied), expected);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** What `serveJson` needs to start a service. */
export interface JsonServiceOptions {
  port: number;
  host: string;
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Turns an error `handle` rejected with into the answer, if the response has not started. */
  errorReply: (error: unknown) => JsonReply;
}

/**
 * Starts a server running `handle` for each request on `host`:`port` (port 0 picks a free one).
 * Resolves once it listens, with its URL (an IPv6 host bracketed); rejects when it cannot, e.g.
 * the port is taken.
 */
export function serveJson(opts: JsonServiceOptions): Promise<Listening> {
  const server = createServer((req, res) => {
    opts.handle(req, res).catch((error: unknown) => {
      // Once the headers are out, a second answer cannot be sent.
      if (res.headersSent) return;
      const [status, payload] = opts.errorReply(error);
      sendJson(res, status, payload);
    });
  });
  return new Promise<Listening>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : opts.port;
      const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      resolve({
        url: `http://${shownHost}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** A message for an error of any kind, as the services put it in their error answers. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
