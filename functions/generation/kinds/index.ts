import type { JobInput } from '../schemas';
import { adKind } from './ad';
import { audioKind } from './audio';
import { ebookKind } from './ebook';
import { imageKind } from './image';
import type {
  JobKind,
  KindContext,
  PlannedStep,
  StepContext,
  StepOutcome,
  StepResult,
} from './shared';
import { shortKind } from './short';
import { videoKind } from './video';

export type { PlannedStep, StepContext, StepOutcome, StepResult, StepUsage } from './shared';

type InputOf<K extends JobInput['kind']> = Extract<JobInput, { kind: K }>;

/** Every job kind by name: a new kind is one module and one line here. */
// biome-ignore lint/suspicious/noExplicitAny: each kind checks its own step results.
const KINDS: { [K in JobInput['kind']]: JobKind<InputOf<K>, any> } = {
  image: imageKind,
  audio: audioKind,
  video: videoKind,
  ebook: ebookKind,
  short: shortKind,
  ad: adKind,
};

// biome-ignore lint/suspicious/noExplicitAny: the registry is indexed by the input's own kind.
const kindOf = (input: JobInput) => KINDS[input.kind] as JobKind<JobInput, any>;

/**
 * The steps of a job, fixed at creation so progress is honest (done / total) and every step
 * is its own QStash callback: a 10-chapter eBook is 14 short, resumable steps.
 */
export function planSteps(input: JobInput): PlannedStep[] {
  return kindOf(input).plan(input);
}

/** How long a job may go without a step finishing before the sweeper fails it. */
export function stepDeadlineMs(input: JobInput): number {
  return kindOf(input).deadlineMs?.(input) ?? 15 * 60_000;
}

/** Runs the work of one step; throws ProviderError for a provider's failure. */
export async function executeStep(context: StepContext): Promise<StepOutcome> {
  const kind = kindOf(context.input);
  const run = kind.steps[context.step.name];
  if (!run) throw new Error(`unknown ${context.input.kind} step ${context.step.name}`);
  const rowsOf = (name: string) => context.steps.filter((step) => step.name === name);
  const kindContext: KindContext<JobInput, Record<string, StepResult>> = {
    ...context,
    result(name, index) {
      const row = rowsOf(name).find((step) => index === undefined || step.params.index === index);
      const result = row ? context.results.get(row.step) : undefined;
      if (!result) throw new Error(`step ${name}${index ?? ''} has no result`);
      return result;
    },
    resultsOf(name) {
      return rowsOf(name).map((step) => {
        const result = context.results.get(step.step);
        if (!result) throw new Error(`step ${name} ${step.step} has no result`);
        return result;
      });
    },
  };
  return run(kindContext);
}
