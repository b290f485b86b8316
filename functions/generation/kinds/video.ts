import type { JobOutputFile } from '../../../db/schema';
import type { VideoJobInput } from '../schemas';
import { defineKind, makeVideo, ownImage, slugName } from './shared';

/** A video job: one step started then polled until the provider's clip is stored. */
export const videoKind = defineKind<VideoJobInput, { video: { files: JobOutputFile[] } }>({
  plan: () => [{ name: 'video', params: {} }],
  deadlineMs: () => 30 * 60_000,
  steps: {
    async video(context) {
      const { input } = context;
      const image = input.imageMediaId ? await ownImage(context, input.imageMediaId) : undefined;
      return makeVideo(
        context,
        input.provider,
        {
          prompt: input.prompt,
          model: input.model,
          durationSeconds: input.durationSeconds,
          resolution: input.resolution,
          aspectRatio: input.aspectRatio,
          image,
        },
        slugName(input.prompt),
      );
    },
  },
});
