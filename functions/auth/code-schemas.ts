import { z } from '@hono/zod-openapi';

/** A 6-digit TOTP code; spaces (as apps display "123 456") are ignored. */
export const TotpCodeSchema = z
  .string()
  .max(20)
  .transform((value) => value.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code from your app'))
  .openapi({ example: '123456' });

/** A recovery code as shown to the user ("abcde-fghjk"); case, spaces and dashes are ignored. */
export const RecoveryCodeSchema = z
  .string()
  .max(40)
  .transform((value) => value.toLowerCase().replace(/[\s-]+/g, ''))
  .pipe(z.string().regex(/^[a-z0-9]{10}$/, 'Enter one of your recovery codes'))
  .openapi({ example: 'k7m2p-x9q4d' });
