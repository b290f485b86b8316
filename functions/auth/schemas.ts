import { z } from '@hono/zod-openapi';

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
