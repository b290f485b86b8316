interface ProgressBarProps {
  /** 0 to 100; null for an indeterminate bar. */
  value: number | null;
  /** The accessible name ("Generating image"). */
  label: string;
  /** The visible and announced text ("42 %, writing chapter 3"). */
  text?: string;
}

/** A progress bar (role=progressbar with aria-valuenow) and a polite live line of its status. */
export function ProgressBar({ value, label, text }: ProgressBarProps) {
  const now = value === null ? undefined : Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div class="progress">
      <div
        class="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={now}
        aria-valuetext={text}
      >
        <div
          class={now === undefined ? 'progress-fill progress-indeterminate' : 'progress-fill'}
          style={{ width: now === undefined ? undefined : `${now}%` }}
        />
      </div>
      <p class="progress-text" aria-live="polite">
        {text ?? (now === undefined ? '' : `${now} %`)}
      </p>
    </div>
  );
}
