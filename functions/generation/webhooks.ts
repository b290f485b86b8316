import { fromBase64Url, toBase64Url } from '../platform/crypto';
import type { Services } from '../platform/env';
import type { MediaProviderName } from './providers/types';

/** Providers that can POST completion to us (Luma's `callback_url`). */
const CALLBACK_PROVIDERS: ReadonlySet<MediaProviderName> = new Set(['luma']);

async function callbackKey(secret: string): Promise<CryptoKey> {
  const material = new TextEncoder().encode(`webox:generation-callback:${secret}`);
  const digest = await crypto.subtle.digest('SHA-256', material);
  return crypto.subtle.importKey('raw', digest, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
}

function payload(provider: string, jobId: string, step: number): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${provider}:${jobId}:${step}`);
}

/**
 * The URL a provider calls when a render finishes. The provider does not sign its calls, so
 * the URL carries our HMAC of (provider, job, step): a forged call is refused, and a genuine
 * one only makes us poll the provider sooner; its body is never trusted.
 */
export async function signedCallbackUrl(
  services: Pick<Services, 'secrets' | 'config'>,
  provider: MediaProviderName,
  jobId: string,
  step: number,
): Promise<string | undefined> {
  if (!CALLBACK_PROVIDERS.has(provider)) return undefined;
  const key = await callbackKey(services.secrets.JWT_SECRET);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, payload(provider, jobId, step)));
  const url = new URL(`/api/generation/callbacks/${provider}`, services.config.appOrigin);
  url.searchParams.set('job', jobId);
  url.searchParams.set('step', String(step));
  url.searchParams.set('sig', toBase64Url(sig));
  return url.toString();
}

/** Checks a callback URL's signature in constant time. */
export async function verifyCallback(
  secret: string,
  provider: string,
  jobId: string,
  step: number,
  sig: string,
): Promise<boolean> {
  if (!CALLBACK_PROVIDERS.has(provider as MediaProviderName)) return false;
  const key = await callbackKey(secret);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64Url(sig);
  } catch {
    return false;
  }
  return crypto.subtle.verify('HMAC', key, bytes, payload(provider, jobId, step));
}
