import { eq } from 'drizzle-orm';
import { type JobOutputFile, products } from '../../../db/schema';
import { type AdVariant, adCopyPrompt, offlineAdCopy, parseAdCopy } from '../offline-writer';
import { ProviderError, type SourceImage } from '../providers/types';
import type { AdJobInput } from '../schemas';
import {
  defineKind,
  makeImages,
  makeVideo,
  ownImage,
  repeated,
  type StepContext,
  say,
  stepIndex,
  writeText,
} from './shared';

/** One copy variant, marked offline when WeBox's offline writer wrote it. */
export type AdCopyVariant = AdVariant & { offline: boolean };

type AdResults = {
  copy: {
    variants: AdCopyVariant[];
    data: { variants: AdCopyVariant[]; productName: string | null };
  };
  visual: { files: JobOutputFile[] };
  'ad-video': { files: JobOutputFile[] };
};

async function productOf(
  context: StepContext,
  input: AdJobInput,
): Promise<{ name: string; description: string; photo?: SourceImage }> {
  if (input.productId) {
    const [product] = await context.services.db
      .select()
      .from(products)
      .where(eq(products.id, input.productId))
      .limit(1);
    if (!product) throw new ProviderError('bad_request', 'The product no longer exists.');
    const fr = input.language === 'fr';
    const key = product.imageKeys[0];
    const object = key ? await context.services.media.get(key) : null;
    return {
      name: fr ? product.nameFr : product.nameEn,
      description: fr ? product.descriptionFr : product.descriptionEn,
      photo: object
        ? {
            bytes: new Uint8Array(await object.arrayBuffer()),
            contentType: object.httpMetadata?.contentType ?? 'image/png',
          }
        : undefined,
    };
  }
  const photo = input.photoMediaId ? await ownImage(context, input.photoMediaId) : undefined;
  return { name: '', description: '', photo };
}

/** An ad: copy variants, one visual per variant, then maybe a short clip. */
export const adKind = defineKind<AdJobInput, AdResults>({
  plan: (input) => [
    { name: 'copy', params: {} },
    ...repeated('visual', input.variants),
    ...(input.withVideo ? [{ name: 'ad-video' as const, params: {} }] : []),
  ],
  steps: {
    async copy(context) {
      const { input } = context;
      const product = await productOf(context, input);
      const request = {
        brief: input.brief,
        productName: product.name || undefined,
        productDescription: product.description || undefined,
        adType: input.adType,
        durationSeconds: input.durationSeconds,
        language: input.language,
        variants: input.variants,
      };
      const { text, usage, offline } = await writeText(
        context,
        input.model,
        adCopyPrompt(request),
        () => JSON.stringify(offlineAdCopy(request)),
        1500,
      );
      const variants = parseAdCopy(text, input.variants).map((variant) => ({
        ...variant,
        offline,
      }));
      return {
        status: 'done',
        result: { variants, data: { variants, productName: product.name || null } },
        usage,
        message: say(
          context,
          `${variants.length} copy variants written`,
          `${variants.length} variantes de texte écrites`,
        ),
      };
    },
    async visual(context) {
      const { input } = context;
      const index = stepIndex(context);
      const { variants } = context.result('copy');
      const variant = variants[index % variants.length];
      const product = await productOf(context, input);
      const scene =
        input.adType === 'showcase'
          ? 'studio product shot, clean background, soft light'
          : 'lifestyle scene, the product in everyday use, natural light';
      const { files, usage } = await makeImages(
        context,
        input.imageProvider,
        {
          prompt: `${product.name ? `${product.name}: ` : ''}${input.brief}. ${scene}. Mood: ${variant?.headline ?? ''}`,
          size: '1024x1024',
          quality: 'standard',
          style: input.adType === 'showcase' ? 'natural' : 'vivid',
          n: 1,
          seed: index + 1,
          source: product.photo,
        },
        'image',
        `ad-${index + 1}`,
      );
      return {
        status: 'done',
        result: { files },
        usage,
        message: say(
          context,
          `Visual ${index + 1} of ${input.variants} ready`,
          `Visuel ${index + 1} sur ${input.variants} prêt`,
        ),
      };
    },
    async 'ad-video'(context) {
      const { input } = context;
      const first = context.result('visual', 0).files[0];
      const image = first ? await ownImage(context, first.mediaId) : undefined;
      const { variants } = context.result('copy');
      return makeVideo(
        context,
        input.videoProvider ?? 'offline',
        {
          prompt: `${input.brief}. ${variants[0]?.headline ?? ''}`.slice(0, 1900),
          durationSeconds: Math.min(10, input.durationSeconds),
          resolution: '720p',
          aspectRatio: '1:1',
          image,
        },
        'ad-video',
      );
    },
  },
});
