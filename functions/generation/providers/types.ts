/**
 * The media providers' common shapes. Every adapter turns a request into real file bytes
 * (downloaded at once: vendors' links expire), reports its cost in micro-dollars, and
 * throws `ProviderError` (functions/models/providers/types) with a short message of ours,
 * never the vendor's raw text.
 */
export { ProviderError } from '../../models/providers/types';

/** Every provider a media kind can use; `offline` draws or synthesises the file locally. */
export const MEDIA_PROVIDERS = [
  'offline',
  'openai',
  'google',
  'stability',
  'elevenlabs',
  'runway',
  'luma',
] as const;
export type MediaProviderName = (typeof MEDIA_PROVIDERS)[number];

/** Which providers offer which capability. */
export const CAPABILITIES = {
  image: ['offline', 'openai', 'google', 'stability'],
  speech: ['offline', 'openai', 'elevenlabs'],
  music: ['offline', 'elevenlabs'],
  video: ['offline', 'google', 'runway', 'luma'],
} as const satisfies Record<string, readonly MediaProviderName[]>;
export type Capability = keyof typeof CAPABILITIES;

/** A produced file, in memory until it is written to R2. */
export interface GeneratedFile {
  bytes: Uint8Array;
  contentType: string;
  /** File extension without the dot: png, jpg, webp, wav, mp3, gif, mp4, pdf, epub, json. */
  ext: string;
  width?: number;
  height?: number;
  durationMs?: number;
}

export interface MediaProviderConfig {
  /** Null only for offline. */
  apiKey: string | null;
  /** A local fake in tests; undefined means the vendor's public API. */
  baseUrl?: string;
  /** Longest wait for one HTTP call to the vendor. */
  timeoutMs: number;
}

/** An input image (variation source, product photo, first frame of a video). */
export interface SourceImage {
  bytes: Uint8Array;
  contentType: string;
}

export interface ImageRequest {
  prompt: string;
  negativePrompt?: string;
  /** The vendor's model id, e.g. "gpt-image-1", "imagen-4.0-generate-001", "sd3.5-large". */
  model: string;
  size: '1024x1024' | '1536x1024' | '1024x1536';
  quality: 'standard' | 'hd';
  style: 'vivid' | 'natural';
  /** 1–4 images. */
  n: number;
  /** Present for a variation (or an ad built from a product photo). */
  source?: SourceImage;
  /** Seeds offline drawings so the same request draws the same picture. */
  seed?: number;
  signal: AbortSignal;
}

export interface ImageResult {
  images: GeneratedFile[];
  costMicros: number;
}

export interface SpeechRequest {
  text: string;
  model: string;
  /** A vendor voice id ("alloy", an ElevenLabs voice id) or an offline voice name. */
  voice: string;
  /** BCP 47 language, e.g. "fr-FR"; used where the vendor takes it. */
  language: string;
  format: 'mp3' | 'wav' | 'opus';
  /** 0.5–2, default 1. */
  speed?: number;
  signal: AbortSignal;
}

export interface MusicRequest {
  prompt: string;
  kind: 'music' | 'sfx';
  /** 1–120 s (sfx: 1–22 s). */
  durationSeconds: number;
  signal: AbortSignal;
}

export interface AudioResult {
  audio: GeneratedFile;
  costMicros: number;
}

export interface VideoRequest {
  prompt: string;
  model: string;
  /** 4–10 s for most vendors. */
  durationSeconds: number;
  resolution: '720p' | '1080p';
  aspectRatio: '16:9' | '9:16' | '1:1';
  /** Image-to-video: the first frame. */
  image?: SourceImage;
  /** Where the vendor may POST completion (only vendors that support it use it). */
  callbackUrl?: string;
  signal: AbortSignal;
}

/** Starting a video: either an operation to poll, or (offline) the finished file. */
export type VideoStart =
  | { kind: 'operation'; operationId: string; costMicros: number }
  | { kind: 'done'; file: GeneratedFile; costMicros: number };

export type VideoPoll =
  | { status: 'running'; progress?: number }
  | { status: 'succeeded'; file: GeneratedFile }
  | { status: 'failed'; message: string };

export interface ImageProvider {
  generateImages(request: ImageRequest, config: MediaProviderConfig): Promise<ImageResult>;
}
export interface SpeechProvider {
  speak(request: SpeechRequest, config: MediaProviderConfig): Promise<AudioResult>;
}
export interface MusicProvider {
  compose(request: MusicRequest, config: MediaProviderConfig): Promise<AudioResult>;
}
export interface VideoProvider {
  startVideo(request: VideoRequest, config: MediaProviderConfig): Promise<VideoStart>;
  pollVideo(
    operationId: string,
    config: MediaProviderConfig,
    signal: AbortSignal,
  ): Promise<VideoPoll>;
}
