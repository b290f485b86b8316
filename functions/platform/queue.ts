import { Client, Receiver } from '@upstash/qstash';
import { ApiError } from './errors';

/** Long-running work goes through QStash; this is the thin, typed face of it. */
export interface Queue {
  readonly configured: boolean;
  /** Publishes a JSON message that QStash delivers, signed, to `path` on this app. */
  publishJSON(
    path: string,
    body: unknown,
    options?: { delaySeconds?: number; dedupId?: string },
  ): Promise<string>;
  /** Verifies an incoming QStash callback (signature over the raw body and the URL). */
  verify(signature: string | undefined, rawBody: string, url: string): Promise<boolean>;
  /** Cheap authenticated call used by the health check. */
  ping(): Promise<void>;
}

interface QueueConfig {
  url?: string;
  token?: string;
  currentSigningKey?: string;
  nextSigningKey?: string;
  appOrigin: string;
}

const notConfigured = () =>
  new ApiError(
    'SERVICE_UNAVAILABLE',
    'QStash is not configured: set QSTASH_URL, QSTASH_TOKEN and the signing keys.',
  );

/** Builds the QStash client and receiver from settings; missing settings mean "not configured". */
export function createQueue(config: QueueConfig): Queue {
  const { url, token, currentSigningKey, nextSigningKey } = config;
  const client = url && token ? new Client({ baseUrl: url, token, retry: false }) : undefined;
  const receiver =
    currentSigningKey && nextSigningKey
      ? new Receiver({ currentSigningKey, nextSigningKey })
      : undefined;
  return {
    configured: Boolean(client && receiver),
    async publishJSON(path, body, options = {}) {
      if (!client) throw notConfigured();
      const res = await client.publishJSON({
        url: new URL(path, config.appOrigin).toString(),
        body,
        delay: options.delaySeconds,
        deduplicationId: options.dedupId,
      });
      return 'messageId' in res ? res.messageId : '';
    },
    async verify(signature, rawBody, requestUrl) {
      if (!receiver) throw notConfigured();
      if (!signature) return false;
      try {
        return await receiver.verify({ signature, body: rawBody, url: requestUrl });
      } catch {
        return false;
      }
    },
    async ping() {
      if (!client) throw notConfigured();
      await client.schedules.list();
    },
  };
}
