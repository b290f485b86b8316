import type { JobInput } from './schemas';

/** One planned step: its name and the parameters fixed when the job is created. */
export interface PlannedStep {
  name: string;
  params: Record<string, unknown>;
}

/**
 * The steps of a job, fixed at creation so progress is honest (done / total) and every step
 * is its own QStash callback: a 10-chapter eBook is 14 short, resumable steps.
 */
export function planSteps(input: JobInput): PlannedStep[] {
  switch (input.kind) {
    case 'image':
      return [{ name: 'images', params: {} }];
    case 'audio':
      return [{ name: 'audio', params: {} }];
    case 'video':
      return [{ name: 'video', params: {} }];
    case 'ebook':
      return [
        { name: 'outline', params: {} },
        ...Array.from({ length: input.chapters }, (_, index) => ({
          name: 'chapter',
          params: { index },
        })),
        { name: 'cover', params: {} },
        { name: 'typeset', params: {} },
        { name: 'epub', params: {} },
      ];
    case 'short':
      return [
        { name: 'script', params: {} },
        { name: 'voice', params: {} },
        ...Array.from({ length: input.scenes }, (_, index) => ({
          name: 'scene',
          params: { index },
        })),
        { name: 'storyboard', params: {} },
        ...(input.videoProvider ? [{ name: 'render', params: {} }] : []),
      ];
    case 'ad':
      return [
        { name: 'copy', params: {} },
        ...Array.from({ length: input.variants }, (_, index) => ({
          name: 'visual',
          params: { index },
        })),
        ...(input.withVideo ? [{ name: 'ad-video', params: {} }] : []),
      ];
  }
}

/** How long a job may go without a step finishing before the sweeper fails it. */
export function stepDeadlineMs(input: JobInput): number {
  return input.kind === 'video' || (input.kind === 'short' && input.videoProvider)
    ? 30 * 60_000
    : 15 * 60_000;
}
