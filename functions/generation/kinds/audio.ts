import type { JobOutputFile } from '../../../db/schema';
import { musicProviders, resolveMediaProvider, speechProviders } from '../providers';
import { type GeneratedFile, ProviderError } from '../providers/types';
import type { AudioJobInput } from '../schemas';
import { defaultModel, defineKind, mediaUsage, say, slugName, storeFile } from './shared';

/** An audio job: one step speaking a text or composing music or a sound effect. */
export const audioKind = defineKind<AudioJobInput, { audio: { files: JobOutputFile[] } }>({
  plan: () => [{ name: 'audio', params: {} }],
  steps: {
    async audio(context) {
      const { services, job, input } = context;
      const config = await resolveMediaProvider(services, job.userId, input.provider);
      let file: GeneratedFile;
      let cost: number;
      let model: string;
      if (input.mode === 'speech') {
        model = defaultModel('speech', input.provider, input.model);
        const adapter = speechProviders[input.provider as keyof typeof speechProviders];
        const result = await adapter.speak(
          {
            text: input.text,
            model,
            voice: input.voice ?? 'alloy',
            language: input.language,
            format: input.format,
            speed: input.speed,
            signal: context.signal,
          },
          config,
        );
        file = result.audio;
        cost = result.costMicros;
      } else {
        model = defaultModel('music', input.provider, input.model);
        const adapter = musicProviders[input.provider as keyof typeof musicProviders];
        if (!adapter) {
          throw new ProviderError(
            'bad_request',
            `${input.provider} does not make music or sounds.`,
          );
        }
        const result = await adapter.compose(
          {
            prompt: input.text,
            kind: input.mode,
            durationSeconds:
              input.mode === 'sfx' ? Math.min(22, input.durationSeconds) : input.durationSeconds,
            signal: context.signal,
          },
          config,
        );
        file = result.audio;
        cost = result.costMicros;
      }
      const stored = await storeFile(context, file, {
        role: 'audio',
        name: slugName(input.text),
        prompt: input.text,
        offline: input.provider === 'offline',
      });
      return {
        status: 'done',
        result: { files: [stored] },
        usage: mediaUsage(input.provider, model, cost),
        message: say(context, 'Audio ready', 'Audio prêt'),
      };
    },
  },
});
