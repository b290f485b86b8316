/** Currencies whose smallest unit is the whole unit (no cents) at the payment providers. */
const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'HUF', 'TWD', 'CLP', 'ISK', 'VND', 'XAF', 'XOF']);

/** Digits after the decimal point for a currency's minor unit. */
export function currencyExponent(currency: string): number {
  return ZERO_DECIMAL.has(currency.toUpperCase()) ? 0 : 2;
}

/** Minor units as the decimal string PayPal expects: 1234 EUR → "12.34", 500 JPY → "500". */
export function minorToDecimal(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  if (exponent === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const unit = 10 ** exponent;
  return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(exponent, '0')}`;
}

/** A provider's decimal amount back in minor units ("12.34" EUR → 1234); NaN when unreadable. */
export function decimalToMinor(value: string, currency: string): number {
  if (!/^-?\d+(\.\d+)?$/.test(value)) return Number.NaN;
  const exponent = currencyExponent(currency);
  const [whole = '0', fraction = ''] = value.replace('-', '').split('.');
  if (fraction.length > exponent) return Number.NaN;
  const minor = Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
  return value.startsWith('-') ? -minor : minor;
}
