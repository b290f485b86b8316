interface ProgressBarProps {
  /** 0 to `max`; null for an indeterminate bar. */
  value: number | null;
  /** The end of the scale (default 100, a percentage); a quota passes its limit. */
  max?: number;
  /** The accessible name ("Generating image"). */
  label: string;
  /** The visible and announced text ("42 %, writing chapter 3"). */
  text?: string;
  /** How full it looks: `high` and `full` colour the bar as a warning and as an alarm. */
  tone?: 'normal' | 'high' | 'full';
}

/** A progress bar (role=progressbar with aria-valuenow) and a polite live line of its status. */
export function ProgressBar({ value, max = 100, label, text, tone = 'normal' }: ProgressBarProps) {
  const now = value === null ? undefined : Math.max(0, Math.min(max, Math.round(value)));
  const percent = now === undefined ? undefined : max > 0 ? (now / max) * 100 : 100;
  return (
    <div class={tone === 'normal' ? 'progress' : `progress progress-${tone}`}>
      <div
        class="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={now}
        aria-valuetext={text}
      >
        <div
          class={percent === undefined ? 'progress-fill progress-indeterminate' : 'progress-fill'}
          style={{ width: percent === undefined ? undefined : `${percent}%` }}
        />
      </div>
      <p class="progress-text" aria-live="polite">
        {text ?? (percent === undefined ? '' : `${Math.round(percent)} %`)}
      </p>
    </div>
  );
}
