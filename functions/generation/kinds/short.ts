import type { JobOutputFile } from '../../../db/schema';
import {
  offlineShortScript,
  parseShortScript,
  type ShortScript,
  shortScriptPrompt,
} from '../offline-writer';
import { resolveMediaProvider, speechProviders } from '../providers';
import type { ShortJobInput } from '../schemas';
import {
  aspectToSize,
  defaultModel,
  defineKind,
  makeImages,
  makeVideo,
  mediaUsage,
  ownImage,
  repeated,
  say,
  slugName,
  stepIndex,
  storeFile,
  writeText,
} from './shared';

type ShortResults = {
  script: {
    script: ShortScript;
    offline: boolean;
    data: { title: string; scenes: number; scriptOffline: boolean };
  };
  voice: { files: JobOutputFile[]; durationMs: number | null };
  scene: { files: JobOutputFile[]; index: number };
  storyboard: { files: JobOutputFile[] };
  render: { files: JobOutputFile[] };
};

/** A short: script, voice-over, one picture per scene, a storyboard, then maybe a clip. */
export const shortKind = defineKind<ShortJobInput, ShortResults>({
  plan: (input) => [
    { name: 'script', params: {} },
    { name: 'voice', params: {} },
    ...repeated('scene', input.scenes),
    { name: 'storyboard', params: {} },
    ...(input.videoProvider ? [{ name: 'render' as const, params: {} }] : []),
  ],
  deadlineMs: (input) => (input.videoProvider ? 30 * 60_000 : 15 * 60_000),
  steps: {
    async script(context) {
      const { input } = context;
      const { text, usage, offline } = await writeText(
        context,
        input.model,
        shortScriptPrompt(input),
        () => JSON.stringify(offlineShortScript(input)),
        2000,
      );
      const script = parseShortScript(text, input.scenes);
      return {
        status: 'done',
        result: {
          script,
          offline,
          data: { title: script.title, scenes: script.scenes.length, scriptOffline: offline },
        },
        usage,
        message: say(context, 'Script written', 'Script écrit'),
      };
    },
    async voice(context) {
      const { services, job, input } = context;
      const { script } = context.result('script');
      const config = await resolveMediaProvider(services, job.userId, input.speechProvider);
      const model = defaultModel('speech', input.speechProvider);
      const adapter = speechProviders[input.speechProvider as keyof typeof speechProviders];
      const { audio, costMicros: cost } = await adapter.speak(
        {
          text: script.scenes.map((scene) => scene.text).join(' '),
          model,
          voice: input.voice ?? 'alloy',
          language: input.language === 'fr' ? 'fr-FR' : 'en-US',
          format: 'mp3',
          signal: context.signal,
        },
        config,
      );
      const stored = await storeFile(context, audio, {
        role: 'voice',
        name: `${slugName(script.title)}-voice`,
        prompt: input.topic,
        offline: input.speechProvider === 'offline',
      });
      return {
        status: 'done',
        result: { files: [stored], durationMs: audio.durationMs ?? null },
        usage: mediaUsage(input.speechProvider, model, cost),
        message: say(context, 'Voice-over recorded', 'Voix off enregistrée'),
      };
    },
    async scene(context) {
      const { input } = context;
      const index = stepIndex(context);
      const { script } = context.result('script');
      const scene = script.scenes[index] ?? { text: input.topic, visual: input.topic };
      const { files, usage } = await makeImages(
        context,
        input.imageProvider,
        {
          prompt: scene.visual,
          size: aspectToSize(input.aspectRatio),
          quality: 'standard',
          style: 'vivid',
          n: 1,
          seed: index + 1,
        },
        'scene',
        `${slugName(script.title)}-scene-${index + 1}`,
      );
      return {
        status: 'done',
        result: { files, index },
        usage,
        message: say(
          context,
          `Scene ${index + 1} of ${input.scenes} drawn`,
          `Scène ${index + 1} sur ${input.scenes} dessinée`,
        ),
      };
    },
    async storyboard(context) {
      const { input } = context;
      const { script, offline } = context.result('script');
      const voice = context.result('voice');
      const voiceFile = voice.files[0];
      const totalMs =
        typeof voice.durationMs === 'number' && voice.durationMs > 0
          ? voice.durationMs
          : input.durationSeconds * 1000;
      // Each scene lasts in proportion to its spoken text, so pictures follow the voice.
      const weights = script.scenes.map((scene) => Math.max(1, scene.text.length));
      const sum = weights.reduce((a, b) => a + b, 0);
      let at = 0;
      const scenes = script.scenes.map((scene, index) => {
        const startMs = Math.round(at);
        at += ((weights[index] ?? 1) / sum) * totalMs;
        const image = context.result('scene', index).files[0];
        return {
          index,
          startMs,
          endMs: index === script.scenes.length - 1 ? totalMs : Math.round(at),
          text: scene.text,
          imageMediaId: image?.mediaId ?? null,
        };
      });
      const storyboard = {
        version: 1,
        title: script.title,
        language: input.language,
        aspectRatio: input.aspectRatio,
        durationMs: totalMs,
        voiceover: voiceFile ? { mediaId: voiceFile.mediaId } : null,
        scenes,
      };
      const stored = await storeFile(
        context,
        {
          bytes: new TextEncoder().encode(JSON.stringify(storyboard, null, 2)),
          contentType: 'application/json',
          ext: 'json',
        },
        {
          role: 'storyboard',
          name: `${slugName(script.title)}-storyboard`,
          prompt: input.topic,
          // The storyboard carries the script's lines: offline when the script is.
          offline,
        },
      );
      return {
        status: 'done',
        result: { files: [stored] },
        message: input.videoProvider
          ? say(
              context,
              'Storyboard ready; rendering the clip…',
              'Storyboard prêt ; rendu du clip…',
            )
          : say(context, 'Short ready', 'Vidéo courte prête'),
      };
    },
    async render(context) {
      const { input } = context;
      const { script } = context.result('script');
      const first = context.result('scene', 0).files[0];
      const image = first ? await ownImage(context, first.mediaId) : undefined;
      return makeVideo(
        context,
        input.videoProvider ?? 'offline',
        {
          prompt: `${script.title}. ${script.scenes.map((scene) => scene.visual).join(' ')}`.slice(
            0,
            1900,
          ),
          durationSeconds: Math.min(10, input.durationSeconds),
          resolution: '720p',
          aspectRatio: input.aspectRatio,
          image,
        },
        `${slugName(script.title)}-clip`,
      );
    },
  },
});
