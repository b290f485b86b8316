import { z } from '@hono/zod-openapi';
import { RecoveryCodeSchema, TotpCodeSchema } from './code-schemas';
import { SessionResponseSchema } from './schemas';

const oneFactor = (value: { code?: string; recoveryCode?: string }) =>
  (value.code === undefined) !== (value.recoveryCode === undefined);
const oneFactorMessage = {
  message: 'Send either "code" or "recoveryCode"',
  path: ['code'],
};

export const TotpSetupResponseSchema = z
  .object({
    otpauthUri: z.string().openapi({
      description: 'otpauth:// URI to show as a QR code',
      example: 'otpauth://totp/WeBox:alice%40example.com?issuer=WeBox&secret=…',
    }),
    secret: z.string().openapi({ description: 'The base32 secret, for manual entry' }),
  })
  .openapi('TotpSetupResponse');

export const TotpEnableSchema = z
  .strictObject({ code: TotpCodeSchema })
  .openapi('TotpEnableRequest');

export const RecoveryCodesResponseSchema = z
  .object({
    recoveryCodes: z
      .array(z.string())
      .openapi({ description: 'Ten single-use codes, shown this once only' }),
  })
  .openapi('RecoveryCodesResponse');

export const TotpDisableSchema = z
  .strictObject({
    password: z.string().min(1, 'Enter your password').max(256),
    code: TotpCodeSchema.optional(),
    recoveryCode: RecoveryCodeSchema.optional(),
  })
  .refine(oneFactor, oneFactorMessage)
  .openapi('TotpDisableRequest');

export const SecondFactorSchema = z
  .strictObject({
    code: TotpCodeSchema.optional(),
    recoveryCode: RecoveryCodeSchema.optional(),
  })
  .refine(oneFactor, oneFactorMessage)
  .openapi('SecondFactorRequest');

export const TwoFactorLoginSchema = z
  .strictObject({
    challengeToken: z.string().min(1).max(200),
    code: TotpCodeSchema.optional(),
    recoveryCode: RecoveryCodeSchema.optional(),
  })
  .refine(oneFactor, oneFactorMessage)
  .openapi('TwoFactorLoginRequest');

export const TwoFactorStatusSchema = z
  .object({
    enabled: z.boolean(),
    enabledAt: z.string().nullable().openapi({ format: 'date-time' }),
    recoveryCodesLeft: z.number().int(),
  })
  .openapi('TwoFactorStatus');

export const TwoFactorChallengeSchema = z
  .object({
    twoFactorRequired: z.literal(true),
    challengeToken: z
      .string()
      .openapi({ description: 'Send it to POST /api/auth/login/2fa within 5 minutes' }),
    methods: z.array(z.enum(['totp', 'recovery'])),
  })
  .openapi('TwoFactorChallenge');

export const LoginResponseSchema = z
  .union([SessionResponseSchema, TwoFactorChallengeSchema])
  .openapi('LoginResponse');
