import { eq } from 'drizzle-orm';
import { aiKeys } from '../../../db/schema';
import { platformKeyFor, resolveProvider } from '../../models/service';
import type { Secrets, Services } from '../../platform/env';
import { ApiError } from '../../platform/errors';
import { offlineImage, offlineMusic, offlineSpeech, offlineVideo } from './offline';
import {
  CAPABILITIES,
  type Capability,
  type ImageProvider,
  type MediaProviderConfig,
  type MediaProviderName,
  type MusicProvider,
  type SpeechProvider,
  type VideoProvider,
} from './types';

export * from './types';

type ProvidersOf<C extends Capability> = (typeof CAPABILITIES)[C][number];

// Vendor adapters load on first use: their SDKs cost startup CPU most requests never need.

/** Every image provider by name. */
export const imageProviders: Record<ProvidersOf<'image'>, ImageProvider> = {
  offline: offlineImage,
  openai: {
    generateImages: async (r, c) => (await import('./openai')).openaiImage.generateImages(r, c),
  },
  google: {
    generateImages: async (r, c) => (await import('./google')).googleImage.generateImages(r, c),
  },
  stability: {
    generateImages: async (r, c) =>
      (await import('./stability')).stabilityImage.generateImages(r, c),
  },
};

/** Every speech provider by name. */
export const speechProviders: Record<ProvidersOf<'speech'>, SpeechProvider> = {
  offline: offlineSpeech,
  openai: { speak: async (r, c) => (await import('./openai')).openaiSpeech.speak(r, c) },
  elevenlabs: {
    speak: async (r, c) => (await import('./elevenlabs')).elevenlabsSpeech.speak(r, c),
  },
};

/** Every music and sound-effect provider by name. */
export const musicProviders: Record<ProvidersOf<'music'>, MusicProvider> = {
  offline: offlineMusic,
  elevenlabs: {
    compose: async (r, c) => (await import('./elevenlabs')).elevenlabsMusic.compose(r, c),
  },
};

function lazyVideo(load: () => Promise<VideoProvider>): VideoProvider {
  return {
    startVideo: async (r, c) => (await load()).startVideo(r, c),
    pollVideo: async (id, c, s) => (await load()).pollVideo(id, c, s),
  };
}

/** Every video provider by name. */
export const videoProviders: Record<ProvidersOf<'video'>, VideoProvider> = {
  offline: offlineVideo,
  google: lazyVideo(async () => (await import('./google')).googleVideo),
  runway: lazyVideo(async () => (await import('./runway')).runwayVideo),
  luma: lazyVideo(async () => (await import('./luma')).lumaVideo),
};

export interface MediaModels {
  models: string[];
  defaultModel: string;
  label: string;
}

const OFFLINE_LABEL = 'Offline (WeBox, no network)';

/**
 * The models each provider offers per capability, the first being the default. Each
 * adapter refuses a model missing from its price table, and a unit test checks both agree.
 */
export const MEDIA_MODELS: Record<Capability, Partial<Record<MediaProviderName, MediaModels>>> = {
  image: {
    offline: { models: ['offline-image'], defaultModel: 'offline-image', label: OFFLINE_LABEL },
    openai: {
      models: ['gpt-image-1', 'dall-e-3'],
      defaultModel: 'gpt-image-1',
      label: 'OpenAI GPT Image / DALL·E 3',
    },
    google: {
      models: ['gemini-2.5-flash-image', 'gemini-3-pro-image-preview'],
      defaultModel: 'gemini-2.5-flash-image',
      label: 'Google Gemini image',
    },
    stability: {
      models: [
        'stable-image-core',
        'stable-image-ultra',
        'sd3.5-large',
        'sd3.5-large-turbo',
        'sd3.5-medium',
      ],
      defaultModel: 'stable-image-core',
      label: 'Stability AI',
    },
  },
  speech: {
    offline: { models: ['offline-speech'], defaultModel: 'offline-speech', label: OFFLINE_LABEL },
    openai: {
      models: ['gpt-4o-mini-tts', 'tts-1', 'tts-1-hd'],
      defaultModel: 'gpt-4o-mini-tts',
      label: 'OpenAI text to speech',
    },
    elevenlabs: {
      models: ['eleven_multilingual_v2', 'eleven_v3', 'eleven_flash_v2_5', 'eleven_turbo_v2_5'],
      defaultModel: 'eleven_multilingual_v2',
      label: 'ElevenLabs',
    },
  },
  music: {
    offline: { models: ['offline-music'], defaultModel: 'offline-music', label: OFFLINE_LABEL },
    elevenlabs: {
      models: ['music_v1'],
      defaultModel: 'music_v1',
      label: 'ElevenLabs music and sound effects',
    },
  },
  video: {
    offline: { models: ['offline-video'], defaultModel: 'offline-video', label: OFFLINE_LABEL },
    google: {
      models: ['veo-3.0-generate-001', 'veo-3.0-fast-generate-001'],
      defaultModel: 'veo-3.0-generate-001',
      label: 'Google Veo',
    },
    runway: { models: ['gen4.5', 'gen4_turbo'], defaultModel: 'gen4.5', label: 'Runway' },
    luma: { models: ['ray-2', 'ray-flash-2'], defaultModel: 'ray-2', label: 'Luma Dream Machine' },
  },
};

/** Default longest wait for one media provider call. */
export const MEDIA_TIMEOUT_MS = 120_000;

type RestProvider = 'stability' | 'elevenlabs' | 'runway' | 'luma';

/** The media vendors reached with a platform key only: their key and base URL variables. */
const REST_VENDORS: Record<
  RestProvider,
  { name: string; key: keyof Secrets & `${string}_API_KEY`; base: keyof Secrets }
> = {
  stability: { name: 'Stability AI', key: 'STABILITY_API_KEY', base: 'STABILITY_BASE_URL' },
  elevenlabs: { name: 'ElevenLabs', key: 'ELEVENLABS_API_KEY', base: 'ELEVENLABS_BASE_URL' },
  runway: { name: 'Runway', key: 'RUNWAY_API_KEY', base: 'RUNWAY_BASE_URL' },
  luma: { name: 'Luma', key: 'LUMA_API_KEY', base: 'LUMA_BASE_URL' },
};

const PLATFORM_KEY_NAME = { openai: 'OPENAI_API_KEY', google: 'GOOGLE_AI_API_KEY' } as const;

function secret(secrets: Secrets, name: keyof Secrets): string | undefined {
  const value = secrets[name];
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * The key, endpoint and timeout for one media call. Offline needs nothing; OpenAI and Google
 * use the user's own key first, else the platform's (as chat does); Stability, ElevenLabs,
 * Runway and Luma use the platform's key only. A provider without a key is
 * PROVIDER_NOT_CONFIGURED, naming what to set.
 */
export async function resolveMediaProvider(
  services: Pick<Services, 'db' | 'secrets' | 'logger'>,
  userId: string,
  provider: MediaProviderName,
): Promise<MediaProviderConfig> {
  const { secrets } = services;
  const timeoutMs = secrets.MEDIA_PROVIDER_TIMEOUT_MS ?? MEDIA_TIMEOUT_MS;
  if (provider === 'offline') return { apiKey: null, timeoutMs };
  if (provider === 'openai' || provider === 'google') {
    const { config } = await resolveProvider(services, userId, provider);
    return { apiKey: config.apiKey, baseUrl: config.baseUrl, timeoutMs };
  }
  const vendor = REST_VENDORS[provider];
  const apiKey = secret(secrets, vendor.key);
  if (!apiKey) {
    throw new ApiError(
      'PROVIDER_NOT_CONFIGURED',
      `${vendor.name} is not configured: an administrator must set ${vendor.key}.`,
    );
  }
  return { apiKey, baseUrl: secret(secrets, vendor.base), timeoutMs };
}

/** One provider of a capability as the site shows it. */
export interface MediaProviderStatus {
  provider: MediaProviderName;
  label: string;
  offline: boolean;
  configured: boolean;
  models: string[];
  defaultModel: string;
  /** The environment variable to set when not configured. */
  setting: string | null;
  /** A user's own key (AI keys page) also configures it. */
  ownKey: boolean;
}

/**
 * Which providers the user can use for each capability right now. Reads only whether the
 * user has a key stored, never the key itself: listing must not decrypt anything.
 */
export async function mediaProviderStatus(
  services: Pick<Services, 'db' | 'secrets'>,
  userId: string,
): Promise<Record<Capability, MediaProviderStatus[]>> {
  const rows = await services.db
    .select({ provider: aiKeys.provider })
    .from(aiKeys)
    .where(eq(aiKeys.userId, userId));
  const own = new Set<string>(rows.map((row) => row.provider));
  const status = (
    provider: MediaProviderName,
  ): Pick<MediaProviderStatus, 'configured' | 'setting' | 'ownKey'> => {
    if (provider === 'offline') return { configured: true, setting: null, ownKey: false };
    if (provider === 'openai' || provider === 'google') {
      const configured = own.has(provider) || Boolean(platformKeyFor(services.secrets, provider));
      return {
        configured,
        setting: configured ? null : PLATFORM_KEY_NAME[provider],
        ownKey: true,
      };
    }
    const { key } = REST_VENDORS[provider];
    const configured = Boolean(secret(services.secrets, key));
    return { configured, setting: configured ? null : key, ownKey: false };
  };
  const list = (capability: Capability): MediaProviderStatus[] =>
    (CAPABILITIES[capability] as readonly MediaProviderName[]).flatMap((provider) => {
      const entry = MEDIA_MODELS[capability][provider];
      if (!entry) return [];
      return [
        {
          provider,
          label: entry.label,
          offline: provider === 'offline',
          models: entry.models,
          defaultModel: entry.defaultModel,
          ...status(provider),
        },
      ];
    });
  return {
    image: list('image'),
    speech: list('speech'),
    music: list('music'),
    video: list('video'),
  };
}
