import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken, type Listening, sendJson, serveJson } from '../../tools/dev-services/http';

/**
 * Local stand-ins for the five AI vendors' "list models" endpoints, on one server under one
 * path prefix per vendor, answering as each vendor does: its paths, its auth header, its
 * response JSON and its error bodies, so the official SDKs run unmodified against them.
 *
 * Anthropic takes `x-api-key` or, as its SDK 1.x sends it, `Authorization: Bearer`; both
 * carry `anthropic-version`. Google takes `x-goog-api-key` or `?key=`.
 *
 * Keys: one that starts with the vendor's good prefix is accepted; one containing "slow" gets
 * no answer at all (to test timeouts); anything else is refused the way the vendor refuses it.
 */
export const GOOD_KEY_PREFIX = {
  openai: 'sk-valid',
  anthropic: 'sk-ant-valid',
  google: 'AIzaValid',
  mistral: 'valid',
  groq: 'gsk_valid',
} as const;

export type Vendor = keyof typeof GOOD_KEY_PREFIX;

/** What a test can check about a call: who was called, how the key came, never the key. */
export interface SeenRequest {
  vendor: Vendor;
  method: string;
  path: string;
  auth: 'bearer' | 'x-api-key' | 'x-goog-api-key' | 'query' | 'none';
  keyLast4: string | null;
  anthropicVersion: string | null;
}

export interface AiFakes extends Listening {
  /** Worker variables pointing each vendor's SDK at this server. */
  vars: Record<string, string>;
}

const created = 1_715_367_049;

const MODELS = {
  openai: {
    object: 'list',
    data: ['gpt-4o', 'gpt-4o-mini', 'o3-mini'].map((id) => ({
      id,
      object: 'model',
      created,
      owned_by: 'system',
    })),
  },
  mistral: {
    object: 'list',
    data: ['mistral-large-latest', 'mistral-small-latest'].map((id) => ({
      id,
      object: 'model',
      created,
      owned_by: 'mistralai',
      capabilities: {
        completion_chat: true,
        completion_fim: false,
        function_calling: true,
        fine_tuning: false,
        vision: false,
      },
      name: id,
      description: 'Local fake model',
      max_context_length: 131_072,
      aliases: [],
      deprecation: null,
      default_model_temperature: 0.7,
      type: 'base',
    })),
  },
  groq: {
    object: 'list',
    data: [
      'llama-3.3-70b-versatile',
      'llama-3.1-8b-instant',
      'whisper-large-v3',
      'gemma2-9b-it',
    ].map((id) => ({
      id,
      object: 'model',
      created,
      owned_by: 'Meta',
      active: true,
      context_window: 131_072,
      public_apps: null,
      max_completion_tokens: 32_768,
    })),
  },
  anthropic: {
    data: [
      ['claude-opus-4-1-20250805', 'Claude Opus 4.1'],
      ['claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5'],
    ].map(([id, name]) => ({
      type: 'model',
      id,
      display_name: name,
      created_at: '2025-09-29T00:00:00Z',
    })),
    has_more: false,
    first_id: 'claude-opus-4-1-20250805',
    last_id: 'claude-sonnet-4-5-20250929',
  },
  google: {
    models: [
      'gemini-2.5-pro',
      'gemini-2.5-flash',
      'gemini-2.5-flash-lite',
      'text-embedding-004',
    ].map((id) => ({
      name: `models/${id}`,
      version: '001',
      displayName: id,
      description: 'Local fake model',
      inputTokenLimit: 1_048_576,
      outputTokenLimit: 65_536,
      supportedGenerationMethods: ['generateContent', 'countTokens'],
      temperature: 1,
      topP: 0.95,
      topK: 64,
      maxTemperature: 2,
    })),
  },
} as const;

const requestId = () => randomBytes(12).toString('hex');

/** Each vendor's answer to a missing or wrong key. */
function refuse(res: ServerResponse, vendor: Vendor, key: string | undefined): void {
  switch (vendor) {
    case 'openai':
      sendJson(res, 401, {
        error: {
          message: key
            ? `Incorrect API key provided: ${key.slice(0, 4)}${'*'.repeat(8)}${key.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`
            : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          type: 'invalid_request_error',
          param: null,
          code: key ? 'invalid_api_key' : null,
        },
      });
      return;
    case 'groq':
      sendJson(res, 401, {
        error: {
          message: 'Invalid API Key',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      });
      return;
    case 'mistral':
      sendJson(res, 401, { message: 'Unauthorized', request_id: requestId() });
      return;
    case 'anthropic':
      res.setHeader('request-id', `req_${requestId()}`);
      sendJson(res, 401, {
        type: 'error',
        error: {
          type: 'authentication_error',
          message: key ? 'invalid x-api-key' : 'x-api-key header is required',
        },
        request_id: `req_${requestId()}`,
      });
      return;
    case 'google':
      if (!key) {
        sendJson(res, 403, {
          error: {
            code: 403,
            message:
              "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
            status: 'PERMISSION_DENIED',
          },
        });
        return;
      }
      // Google refuses an unknown key with 400 INVALID_ARGUMENT, not 401.
      sendJson(res, 400, {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
              metadata: { service: 'generativelanguage.googleapis.com' },
            },
            {
              '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
              locale: 'en-US',
              message: 'API key not valid. Please pass a valid API key.',
            },
          ],
        },
      });
      return;
  }
}

/** Which vendor and endpoint a path is, or null. */
function route(path: string): Vendor | null {
  if (path === '/openai/v1/models') return 'openai';
  if (path === '/mistral/v1/models') return 'mistral';
  if (path === '/groq/openai/v1/models') return 'groq';
  if (path === '/anthropic/v1/models') return 'anthropic';
  if (path === '/google/v1beta/models') return 'google';
  return null;
}

function credentials(vendor: Vendor, req: IncomingMessage, url: URL) {
  const header = (name: string) => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  if (vendor === 'anthropic') {
    // The API takes the key as x-api-key or, as @anthropic-ai/sdk 1.x sends it, as a bearer token.
    const apiKeyHeader = header('x-api-key');
    const key = apiKeyHeader ?? bearerToken(req);
    const auth = apiKeyHeader ? 'x-api-key' : key ? 'bearer' : 'none';
    return { key, auth: auth as SeenRequest['auth'] };
  }
  if (vendor === 'google') {
    const key = header('x-goog-api-key') ?? url.searchParams.get('key') ?? undefined;
    const auth = header('x-goog-api-key') ? 'x-goog-api-key' : key ? 'query' : 'none';
    return { key, auth: auth as SeenRequest['auth'] };
  }
  const key = bearerToken(req);
  return { key, auth: key ? ('bearer' as const) : ('none' as const) };
}

/** Starts the fakes on a free port of 127.0.0.1. */
export async function startAiFakes(): Promise<AiFakes> {
  const seen: SeenRequest[] = [];
  const listening = await serveJson({
    port: 0,
    host: '127.0.0.1',
    errorReply: (error) => [500, { error: { message: String(error) } }],
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://fake.local');
      if (url.pathname === '/__requests') {
        sendJson(res, 200, { requests: seen });
        return;
      }
      const vendor = route(url.pathname);
      if (!vendor) {
        sendJson(res, 404, { error: { message: `No fake for ${url.pathname}` } });
        return;
      }
      const { key, auth } = credentials(vendor, req, url);
      const anthropicVersion =
        typeof req.headers['anthropic-version'] === 'string'
          ? req.headers['anthropic-version']
          : null;
      seen.push({
        vendor,
        method: req.method ?? 'GET',
        path: url.pathname,
        auth,
        keyLast4: key ? key.slice(-4) : null,
        anthropicVersion,
      });
      if (req.method !== 'GET') {
        sendJson(res, 405, { error: { message: 'Method not allowed' } });
        return;
      }
      if (vendor === 'anthropic' && !anthropicVersion) {
        sendJson(res, 400, {
          type: 'error',
          error: {
            type: 'invalid_request_error',
            message: 'anthropic-version: header is required',
          },
        });
        return;
      }
      // The timeout case: hold the connection open and never answer.
      if (key && /slow/i.test(key)) return;
      if (!key?.startsWith(GOOD_KEY_PREFIX[vendor])) {
        refuse(res, vendor, key);
        return;
      }
      sendJson(res, 200, MODELS[vendor]);
    },
  });
  return {
    ...listening,
    vars: {
      OPENAI_BASE_URL: `${listening.url}/openai/v1`,
      ANTHROPIC_BASE_URL: `${listening.url}/anthropic`,
      GOOGLE_AI_BASE_URL: `${listening.url}/google`,
      MISTRAL_BASE_URL: `${listening.url}/mistral/v1`,
      GROQ_BASE_URL: `${listening.url}/groq/openai/v1`,
    },
  };
}

/** How many models each fake lists, for assertions. */
export const MODEL_COUNTS: Record<Vendor, number> = {
  openai: MODELS.openai.data.length,
  anthropic: MODELS.anthropic.data.length,
  google: MODELS.google.models.length,
  mistral: MODELS.mistral.data.length,
  groq: MODELS.groq.data.length,
};
