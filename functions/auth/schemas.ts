import { z } from '@hono/zod-openapi';
import { RecoveryCodeSchema, TotpCodeSchema } from './code-schemas';

/** Trimmed and lower-cased: one address, one account, whatever the caller typed. */
export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: 'Enter a valid e-mail address' }))
  .openapi({ example: 'alice@example.com' });

export const PasswordSchema = z
  .string()
  .min(10, 'Use at least 10 characters')
  .max(256, 'Use at most 256 characters')
  .openapi({ example: 'correct horse battery staple' });

export const RegisterSchema = z
  .strictObject({
    email: EmailSchema,
    password: PasswordSchema,
    name: z.string().trim().min(1, 'Enter your name').max(100).openapi({ example: 'Alice Martin' }),
  })
  .openapi('RegisterRequest');

export const LoginSchema = z
  .strictObject({
    email: EmailSchema,
    password: z.string().min(1, 'Enter your password').max(256),
  })
  .openapi('LoginRequest');

export const UserSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['user', 'admin']),
    plan: z.enum(['free', 'pro', 'business']),
    locale: z.string(),
    emailVerified: z.boolean(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('User');

export const SessionResponseSchema = z
  .object({
    user: UserSchema,
    accessToken: z
      .string()
      .openapi({ description: 'Short-lived JWT for the Authorization header' }),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().openapi({ description: 'Seconds until the access token expires' }),
  })
  .openapi('SessionResponse');

export const MeResponseSchema = z.object({ user: UserSchema }).openapi('MeResponse');

export type PublicUser = z.infer<typeof UserSchema>;

/** A single-use e-mailed token, as it appears in a link. */
const EmailedTokenSchema = z
  .string()
  .min(1, 'The link has no token')
  .max(256)
  .openapi({ description: 'The token from the e-mailed link', example: 'k3J9...' });

export const VerifyEmailSchema = z
  .strictObject({ token: EmailedTokenSchema })
  .openapi('VerifyEmailRequest');

export const VerifyEmailResponseSchema = z
  .object({ emailVerified: z.literal(true), email: z.string() })
  .openapi('VerifyEmailResponse');

export const VerificationStatusSchema = z
  .object({
    emailVerified: z.boolean(),
    email: z.string(),
    required: z
      .boolean()
      .openapi({ description: 'Whether sign-in needs a confirmed address on this platform' }),
  })
  .openapi('VerificationStatus');

export const EmailOnlySchema = z.strictObject({ email: EmailSchema }).openapi('EmailRequest');

export const AcceptedSchema = z
  .object({ status: z.literal('accepted'), message: z.string() })
  .openapi('Accepted');

export const ResetPasswordSchema = z
  .strictObject({ token: EmailedTokenSchema, password: PasswordSchema })
  .openapi('ResetPasswordRequest');

export const ReauthenticateSchema = z
  .strictObject({
    password: z.string().min(1, 'Enter your password').max(256),
    code: TotpCodeSchema.optional().openapi({
      description: 'Required when two-factor sign-in is on (or send recoveryCode)',
    }),
    recoveryCode: RecoveryCodeSchema.optional(),
  })
  .refine((value) => value.code === undefined || value.recoveryCode === undefined, {
    message: 'Send either "code" or "recoveryCode", not both',
    path: ['code'],
  })
  .openapi('ReauthenticateRequest');

export const ReauthenticateResponseSchema = z
  .object({
    authenticatedAt: z.string().openapi({ format: 'date-time' }),
    validForSeconds: z.number().int(),
  })
  .openapi('ReauthenticateResponse');

export const ChangePasswordSchema = z
  .strictObject({
    currentPassword: z.string().min(1, 'Enter your current password').max(256),
    newPassword: PasswordSchema,
    signOutOtherSessions: z.boolean(),
  })
  .openapi('ChangePasswordRequest');

export const ChangePasswordResponseSchema = z
  .object({ otherSessionsRevoked: z.number().int() })
  .openapi('ChangePasswordResponse');

export const SessionSummarySchema = z
  .object({
    id: z.uuid().openapi({ description: 'The session family id' }),
    device: z.string().openapi({ example: 'Chrome on Linux' }),
    userAgent: z.string().nullable(),
    location: z.string().nullable(),
    ip: z.string().nullable(),
    method: z.string().openapi({ example: 'password' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
    lastUsedAt: z.string().openapi({ format: 'date-time' }),
    current: z.boolean(),
  })
  .openapi('SessionSummary');

export const SessionListSchema = z
  .object({ items: z.array(SessionSummarySchema) })
  .openapi('SessionList');

export const SessionIdParamSchema = z.object({
  id: z.uuid().openapi({
    param: { name: 'id', in: 'path' },
    example: '0b6f7c1e-2a4d-4c8e-9f31-5d2b7a9e4c10',
  }),
});

export const RevokedCountSchema = z.object({ revoked: z.number().int() }).openapi('RevokedCount');
