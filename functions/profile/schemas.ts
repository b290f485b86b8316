import { z } from '@hono/zod-openapi';
import { aiProvider } from '../../db/schema';
import { EmailSchema } from '../auth/schemas';

/** The notification channels a user can switch; any other key is refused. */
export const NOTIFICATION_KEYS = [
  'email.security',
  'email.product',
  'email.billing',
  'push.jobs',
] as const;
export type NotificationKey = (typeof NOTIFICATION_KEYS)[number];
export type NotificationPrefs = Record<NotificationKey, boolean>;

/** What a channel is set to until the user changes it. */
export const DEFAULT_NOTIFICATION_PREFS: NotificationPrefs = {
  'email.security': true,
  'email.product': false,
  'email.billing': true,
  'push.jobs': true,
};

export const LocaleSchema = z.enum(['fr', 'en']).openapi({ example: 'fr' });
export const ThemeSchema = z.enum(['system', 'light', 'dark']).openapi({ example: 'system' });

const NotificationPrefsSchema = z
  .object({
    'email.security': z.boolean(),
    'email.product': z.boolean(),
    'email.billing': z.boolean(),
    'push.jobs': z.boolean(),
  })
  .openapi('NotificationPrefs');

export const ProfileSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    locale: LocaleSchema,
    theme: ThemeSchema,
    notificationPrefs: NotificationPrefsSchema,
    avatarUrl: z
      .string()
      .nullable()
      .openapi({ description: 'Your own avatar, read with your access token; null when none' }),
    emailVerified: z.boolean(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Profile');

export const ProfilePatchSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'Enter your name').max(100).optional(),
    locale: LocaleSchema.optional(),
    theme: ThemeSchema.optional(),
    notificationPrefs: z
      .strictObject({
        'email.security': z.boolean().optional(),
        'email.product': z.boolean().optional(),
        'email.billing': z.boolean().optional(),
        'push.jobs': z.boolean().optional(),
      })
      .optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Send at least one field to change' })
  .openapi('ProfilePatch');

export type ProfilePatch = z.infer<typeof ProfilePatchSchema>;

export const EmailChangeSchema = z
  .strictObject({ newEmail: EmailSchema })
  .openapi('EmailChangeRequest');

export const EmailChangeAcceptedSchema = z
  .object({
    status: z.literal('pending'),
    detail: z.string(),
  })
  .openapi('EmailChangeAccepted');

export const EmailConfirmSchema = z
  .strictObject({ token: z.string().min(16).max(200) })
  .openapi('EmailConfirmRequest');

export const EmailConfirmedSchema = z
  .object({ email: z.string(), emailVerified: z.literal(true) })
  .openapi('EmailConfirmed');

export const AvatarQuerySchema = z.object({
  v: z
    .string()
    .max(64)
    .optional()
    .openapi({ description: 'Cache buster from avatarUrl; it never selects another image' }),
});

export const AvatarUploadedSchema = z
  .object({
    avatarUrl: z.string(),
    contentType: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    bytes: z.number().int(),
  })
  .openapi('AvatarUploaded');

export const StatsSchema = z
  .object({
    memberSince: z.string().openapi({ format: 'date-time' }),
    activeSessions: z.number().int(),
    passkeys: z.number().int(),
    aiKeys: z.number().int(),
    twoFactorEnabled: z.boolean(),
    lastSignInAt: z.string().nullable().openapi({ format: 'date-time' }),
    signInsLast30Days: z.number().int(),
    failedSignInsLast30Days: z.number().int(),
  })
  .openapi('ProfileStats');

export const ActivityQuerySchema = z.object({
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'nextCursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
});

export const ActivityEventSchema = z
  .object({
    id: z.uuid(),
    action: z.string().openapi({ example: 'key.added' }),
    at: z.string().openapi({ format: 'date-time' }),
    ip: z.string().nullable(),
    device: z.string().nullable().openapi({ example: 'Firefox on Linux' }),
    metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  })
  .openapi('ActivityEvent');

export const ActivityPageSchema = z
  .object({
    items: z.array(ActivityEventSchema),
    nextCursor: z.string().nullable(),
  })
  .openapi('ActivityPage');

export const ProviderSchema = z.enum(aiProvider.enumValues).openapi({ example: 'openai' });
export type Provider = z.infer<typeof ProviderSchema>;

export const ProviderParamSchema = z.object({
  provider: ProviderSchema.openapi({ param: { name: 'provider', in: 'path' } }),
});

export const KeySummarySchema = z
  .object({
    id: z.uuid(),
    provider: ProviderSchema,
    label: z.string().nullable(),
    last4: z.string().openapi({ description: 'Only the last four characters, ever' }),
    keyVersion: z.number().int(),
    lastTestedAt: z.string().nullable().openapi({ format: 'date-time' }),
    lastTestOk: z.boolean().nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('AiKey');

export const KeyListSchema = z.object({ items: z.array(KeySummarySchema) }).openapi('AiKeyList');

export const KeyPutSchema = z
  .strictObject({
    apiKey: z
      .string()
      .trim()
      .min(8, 'This is too short to be an API key')
      .max(300, 'Use at most 300 characters')
      .openapi({ example: 'sk-proj-…' }),
    label: z.string().trim().min(1).max(60).optional().openapi({ example: 'Work account' }),
  })
  .openapi('AiKeyPut');

export const KeyTestResultSchema = z
  .object({
    ok: z.boolean(),
    provider: ProviderSchema,
    detail: z.string().openapi({ example: 'key accepted by openai' }),
    models: z.number().int().optional(),
  })
  .openapi('AiKeyTestResult');

export const RotationResultSchema = z
  .object({
    currentVersion: z.number().int(),
    aiKeys: z.object({ rotated: z.number().int(), failed: z.number().int() }),
    totpSecrets: z.object({ rotated: z.number().int(), failed: z.number().int() }),
    done: z.boolean().openapi({ description: 'False when the batch cap was hit: call again' }),
  })
  .openapi('KeyRotationResult');
