import type { Lang } from '../i18n';

/** How many digits a currency's minor unit has (2 for EUR, 0 for JPY). */
function minorDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

/** An amount in minor units, formatted for the UI language (e.g. "19,00 €" or "€19.00"). */
export function formatMoney(minor: number, currency: string, lang: Lang): string {
  const amount = minor / 10 ** minorDigits(currency);
  try {
    return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}

/**
 * A cost in micro-dollars (the unit of usage and generation costs) in dollars: cents for most,
 * up to six decimals when it is a tiny amount, so a fraction of a cent still shows.
 */
export function formatTokenCost(micros: number, lang: Lang): string {
  return new Intl.NumberFormat(lang, {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: micros > 0 && micros < 10_000 ? 6 : 2,
  }).format(micros / 1_000_000);
}

/** A date (ISO string or Date) in the UI language, with its time unless `withTime` is false. */
export function formatDate(value: string | Date, lang: Lang, withTime = true): string {
  return new Intl.DateTimeFormat(
    lang,
    withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' },
  ).format(typeof value === 'string' ? new Date(value) : value);
}

/** A calendar day ("2026-12-07", a UTC date) as a short label: "Dec 7" / "7 déc.". */
export function formatDay(day: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

/** A whole number with the language's grouping ("12 345" / "12,345"). */
export function formatNumber(value: number, lang: Lang): string {
  return new Intl.NumberFormat(lang).format(value);
}

/** A large count in short form ("1.2K" / "1,2 k"). */
export function formatCompact(value: number, lang: Lang): string {
  return new Intl.NumberFormat(lang, { notation: 'compact', maximumFractionDigits: 1 }).format(
    value,
  );
}

/** "1.5 MB" in the UI language (binary multiples, as file sizes are shown). */
export function formatBytes(bytes: number, lang: Lang): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return new Intl.NumberFormat(lang, {
    style: 'unit',
    unit: units[unit],
    unitDisplay: 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}

/** A duration in milliseconds as "850 ms", "12 s", "3 min 5 s" or "2 h 10 min". */
export function formatDuration(ms: number, lang: Lang): string {
  const unit = (value: number, name: 'millisecond' | 'second' | 'minute' | 'hour') =>
    new Intl.NumberFormat(lang, { style: 'unit', unit: name, unitDisplay: 'narrow' }).format(value);
  if (ms < 1000) return unit(Math.round(ms), 'millisecond');
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return unit(seconds, 'second');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    const rest = seconds % 60;
    return rest ? `${unit(minutes, 'minute')} ${unit(rest, 'second')}` : unit(minutes, 'minute');
  }
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${unit(hours, 'hour')} ${unit(rest, 'minute')}` : unit(hours, 'hour');
}

/** An ISO date-time as a `datetime-local` input value, in the browser's time zone. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** A `datetime-local` input value as an ISO string, or null when empty. */
export function fromLocalInput(value: string): string | null {
  return value ? new Date(value).toISOString() : null;
}
