import type {
  AudioResult,
  MediaProviderConfig,
  MusicProvider,
  SpeechProvider,
  SpeechRequest,
} from './types';
import { ProviderError } from './types';
import { audioFile, baseOf, bytesOf, keyOf, pcmToWav, vendorCall } from './vendor';

const LABEL = 'ElevenLabs';
const PUBLIC_ENDPOINT = 'https://api.elevenlabs.io';

/**
 * Prices in micro-dollars: list prices as of 2026 (API usage, credits ≈ $0.0001 beyond a
 * plan's allowance), admins adjust in code.
 *
 * | what                                   | price                        |
 * | -------------------------------------- | ---------------------------- |
 * | eleven_multilingual_v2, eleven_v3      | $0.10 per 1,000 characters   |
 * | eleven_flash_v2_5, eleven_turbo_v2_5   | $0.05 per 1,000 characters   |
 * | sound effects (sound-generation)       | ≈ $0.004 per second          |
 * | music (music_v1)                       | ≈ $0.80 per minute           |
 */
const SPEECH_PRICE_PER_CHAR: Record<string, number> = {
  eleven_multilingual_v2: 100,
  eleven_v3: 100,
  eleven_flash_v2_5: 50,
  eleven_turbo_v2_5: 50,
};
const SFX_PRICE_PER_SECOND = 4_000;
const MUSIC_PRICE_PER_SECOND = 800_000 / 60;

export const ELEVENLABS_SPEECH_MODELS = Object.keys(SPEECH_PRICE_PER_CHAR);
export const ELEVENLABS_MUSIC_MODELS = ['music_v1'];

/** Models that take `language_code` (the others refuse it and detect the language). */
const TAKES_LANGUAGE = new Set(['eleven_flash_v2_5', 'eleven_turbo_v2_5']);

/** "George", one of ElevenLabs' premade voices, for a voice name that is not an id. */
export const ELEVENLABS_DEFAULT_VOICE = 'JBFqnCBsd6RMkjVDRZzb';

/** Raw PCM at this rate is what we ask for when WAV is wanted (higher rates need a Pro plan). */
const PCM_RATE = 22_050;

function voiceId(voice: string): string {
  return /^[A-Za-z0-9]{20}$/.test(voice) ? voice : ELEVENLABS_DEFAULT_VOICE;
}

/**
 * The output format to ask for. WAV is built from raw PCM here; Opus is not offered on
 * every plan, so MP3 is sent instead (labelled as such).
 */
function outputFormat(format: SpeechRequest['format']): string {
  return format === 'wav' ? `pcm_${PCM_RATE}` : 'mp3_44100_128';
}

async function post(
  config: MediaProviderConfig,
  signal: AbortSignal,
  path: string,
  body: unknown,
): Promise<Uint8Array> {
  return vendorCall(
    LABEL,
    `${baseOf(config, PUBLIC_ENDPOINT)}${path}`,
    {
      method: 'POST',
      headers: {
        'xi-api-key': keyOf(LABEL, config),
        'content-type': 'application/json',
        accept: 'audio/*',
      },
      body: JSON.stringify(body),
    },
    { signal, timeoutMs: config.timeoutMs },
    (response) => bytesOf(LABEL, response),
  );
}

/** ElevenLabs text to speech (POST /v1/text-to-speech/{voice_id}). */
export const elevenlabsSpeech: SpeechProvider = {
  async speak(request, config): Promise<AudioResult> {
    const price = SPEECH_PRICE_PER_CHAR[request.model];
    if (price === undefined) {
      throw new ProviderError('bad_request', `${LABEL} has no speech model "${request.model}".`);
    }
    const format = outputFormat(request.format);
    const body: Record<string, unknown> = { text: request.text, model_id: request.model };
    if (TAKES_LANGUAGE.has(request.model)) {
      body.language_code = request.language.split('-')[0]?.toLowerCase();
    }
    if (request.speed !== undefined && request.speed !== 1) {
      // ElevenLabs accepts 0.7–1.2.
      body.voice_settings = { speed: Math.min(1.2, Math.max(0.7, request.speed)) };
    }
    const path = `/v1/text-to-speech/${encodeURIComponent(voiceId(request.voice))}?output_format=${format}`;
    const bytes = await post(config, request.signal, path, body);
    return {
      audio: audioFile(LABEL, format.startsWith('pcm_') ? pcmToWav(bytes, PCM_RATE) : bytes),
      costMicros: Math.ceil(request.text.length * price),
    };
  },
};

/** ElevenLabs sound effects (POST /v1/sound-generation) and music (POST /v1/music). */
export const elevenlabsMusic: MusicProvider = {
  async compose(request, config): Promise<AudioResult> {
    if (request.kind === 'sfx') {
      // Sound effects last 0.5–30 s.
      const seconds = Math.min(30, Math.max(0.5, request.durationSeconds));
      const bytes = await post(
        config,
        request.signal,
        '/v1/sound-generation?output_format=mp3_44100_128',
        { text: request.prompt, duration_seconds: seconds },
      );
      return {
        audio: audioFile(LABEL, bytes),
        costMicros: Math.ceil(seconds * SFX_PRICE_PER_SECOND),
      };
    }
    // Music lasts 3 s to 5 min.
    const ms = Math.round(Math.min(300_000, Math.max(3_000, request.durationSeconds * 1000)));
    const bytes = await post(config, request.signal, '/v1/music?output_format=mp3_44100_128', {
      prompt: request.prompt,
      music_length_ms: ms,
      model_id: 'music_v1',
    });
    return {
      audio: audioFile(LABEL, bytes),
      costMicros: Math.ceil((ms / 1000) * MUSIC_PRICE_PER_SECOND),
    };
  },
};
