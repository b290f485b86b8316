import { describe, expect, it } from 'vitest';
import { newBankReference, payeeFrom } from '../../functions/commerce/bank-transfer';
import { formatMoney, invoiceNumber, vatBreakdown } from '../../functions/commerce/invoices';
import { csvField } from '../../functions/commerce/orders-admin';
import { decimalToMinor, minorToDecimal } from '../../functions/payments/money';
import { parseStripeForm } from '../fakes/stripe';

describe('money in minor units', () => {
  it('writes and reads provider decimals exactly', () => {
    expect(minorToDecimal(1234, 'EUR')).toBe('12.34');
    expect(minorToDecimal(5, 'EUR')).toBe('0.05');
    expect(minorToDecimal(-250, 'EUR')).toBe('-2.50');
    expect(minorToDecimal(500, 'JPY')).toBe('500');
    expect(decimalToMinor('12.34', 'EUR')).toBe(1234);
    expect(decimalToMinor('12.3', 'EUR')).toBe(1230);
    expect(decimalToMinor('12', 'EUR')).toBe(1200);
    expect(decimalToMinor('500', 'JPY')).toBe(500);
    expect(decimalToMinor('1.005', 'EUR')).toBeNaN();
    expect(decimalToMinor('abc', 'EUR')).toBeNaN();
    for (const minor of [0, 1, 99, 100, 123_456_789]) {
      expect(decimalToMinor(minorToDecimal(minor, 'EUR'), 'EUR')).toBe(minor);
    }
  });

  it('prints amounts the French and the English way', () => {
    expect(formatMoney(123_456, 'EUR', 'fr')).toBe('1 234,56 €');
    expect(formatMoney(123_456, 'EUR', 'en')).toBe('€1,234.56');
    expect(formatMoney(-500, 'EUR', 'fr')).toBe('-5,00 €');
    expect(formatMoney(1000, 'CHF', 'en')).toBe('10.00 CHF');
  });
});

describe('invoices', () => {
  it('numbers invoices by year with a zero-padded sequence', () => {
    expect(invoiceNumber(2026, 1)).toBe('2026-000001');
    expect(invoiceNumber(2026, 123_456)).toBe('2026-123456');
  });

  it('splits VAT per rate, shipping at 20 %, as the cart does', () => {
    expect(
      vatBreakdown(
        [
          { taxRateBps: 550, lineTotalMinor: 1200 },
          { taxRateBps: 2000, lineTotalMinor: 3000 },
        ],
        490,
      ),
    ).toEqual([
      { rateBps: 2000, grossMinor: 3490, netMinor: 2908, vatMinor: 582 },
      { rateBps: 550, grossMinor: 1200, netMinor: 1137, vatMinor: 63 },
    ]);
    expect(vatBreakdown([], 0)).toEqual([]);
  });
});

describe('CSV fields', () => {
  it('quotes per RFC 4180 and neutralises formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(csvField('+33 6')).toBe("'+33 6");
    expect(csvField('@cmd')).toBe("'@cmd");
    expect(csvField('=1,2')).toBe(`"'=1,2"`);
  });
});

describe('bank transfer', () => {
  it('makes unambiguous references, different every time', () => {
    const refs = new Set(Array.from({ length: 2000 }, () => newBankReference()));
    expect(refs.size).toBe(2000);
    for (const ref of refs) expect(ref).toMatch(/^WBX-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
  });

  it('prints the IBAN in groups of four and needs IBAN and holder', () => {
    expect(payeeFrom({ BANK_IBAN: 'fr7630006000011234567890189', BANK_HOLDER: 'WeBox' })).toEqual({
      holder: 'WeBox',
      iban: 'FR76 3000 6000 0112 3456 7890 189',
      bic: null,
    });
    expect(payeeFrom({ BANK_IBAN: 'FR76', BANK_HOLDER: undefined })).toBeNull();
  });
});

describe('fakes', () => {
  it('decode Stripe’s bracketed form encoding', () => {
    const body =
      'mode=payment&line_items[0][quantity]=1&line_items[0][price_data][unit_amount]=500&line_items[1][price]=price_1&metadata[orderId]=o1';
    expect(parseStripeForm(body)).toEqual({
      mode: 'payment',
      line_items: [{ quantity: '1', price_data: { unit_amount: '500' } }, { price: 'price_1' }],
      metadata: { orderId: 'o1' },
    });
  });
});
