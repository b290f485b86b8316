import type { JobOutputFile } from '../../../db/schema';
import type { ImageJobInput } from '../schemas';
import { defineKind, makeImages, ownImage, say, slugName } from './shared';

/** An image job: one step drawing `n` images (optionally a variation of the owner's image). */
export const imageKind = defineKind<ImageJobInput, { images: { files: JobOutputFile[] } }>({
  plan: () => [{ name: 'images', params: {} }],
  steps: {
    async images(context) {
      const { input } = context;
      const source = input.sourceMediaId ? await ownImage(context, input.sourceMediaId) : undefined;
      const { files, usage } = await makeImages(
        context,
        input.provider,
        {
          prompt: input.prompt,
          negativePrompt: input.negativePrompt,
          model: input.model,
          size: input.size,
          quality: input.quality,
          style: input.style,
          n: input.n,
          source,
        },
        'image',
        slugName(input.prompt),
      );
      return {
        status: 'done',
        result: { files },
        usage,
        message:
          files.length > 1
            ? say(context, `${files.length} images ready`, `${files.length} images prêtes`)
            : say(context, 'Image ready', 'Image prête'),
      };
    },
  },
});
