import { z } from '@hono/zod-openapi';

const base64url = z
  .string()
  .min(1)
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]+$/, 'Expected base64url');

const transports = z.array(z.string().max(32)).max(10);

const descriptor = z.object({
  id: z.string(),
  type: z.string().openapi({ example: 'public-key' }),
  transports: transports.optional(),
});

const extensionsInput = z.object({ credProps: z.boolean().optional() });

export const RegistrationOptionsSchema = z
  .object({
    rp: z.object({ id: z.string().optional(), name: z.string() }),
    user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
    challenge: z.string(),
    pubKeyCredParams: z.array(z.object({ alg: z.number(), type: z.literal('public-key') })),
    timeout: z.number().optional(),
    excludeCredentials: z.array(descriptor).optional(),
    authenticatorSelection: z
      .object({
        authenticatorAttachment: z.enum(['cross-platform', 'platform']).optional(),
        requireResidentKey: z.boolean().optional(),
        residentKey: z.enum(['discouraged', 'preferred', 'required']).optional(),
        userVerification: z.enum(['discouraged', 'preferred', 'required']).optional(),
      })
      .optional(),
    hints: z.array(z.enum(['hybrid', 'security-key', 'client-device'])).optional(),
    attestation: z.enum(['direct', 'enterprise', 'indirect', 'none']).optional(),
    extensions: extensionsInput.optional(),
  })
  .openapi('PasskeyRegistrationOptions', {
    description: 'PublicKeyCredentialCreationOptionsJSON for navigator.credentials.create()',
  });

export const AuthenticationOptionsSchema = z
  .object({
    challenge: z.string(),
    timeout: z.number().optional(),
    rpId: z.string().optional(),
    userVerification: z.enum(['discouraged', 'preferred', 'required']).optional(),
    hints: z.array(z.enum(['hybrid', 'security-key', 'client-device'])).optional(),
    extensions: extensionsInput.optional(),
  })
  .openapi('PasskeyAuthenticationOptions', {
    description:
      'PublicKeyCredentialRequestOptionsJSON for navigator.credentials.get(); discoverable sign-in, so no allowCredentials',
  });

const credentialFields = {
  id: base64url,
  rawId: base64url,
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['cross-platform', 'platform']).optional(),
  clientExtensionResults: z
    .object({ credProps: z.object({ rk: z.boolean().optional() }).optional() })
    .optional()
    .default({}),
};

/** RegistrationResponseJSON, as @simplewebauthn/browser's startRegistration returns it. */
export const RegistrationResponseSchema = z
  .object({
    ...credentialFields,
    response: z.object({
      clientDataJSON: base64url,
      attestationObject: base64url,
      authenticatorData: base64url.optional(),
      transports: transports.optional(),
      publicKeyAlgorithm: z.number().optional(),
      publicKey: base64url.optional(),
    }),
  })
  .openapi('PasskeyRegistrationResponse');

/** AuthenticationResponseJSON, as @simplewebauthn/browser's startAuthentication returns it. */
export const AuthenticationResponseSchema = z
  .object({
    ...credentialFields,
    response: z.object({
      clientDataJSON: base64url,
      authenticatorData: base64url,
      signature: base64url,
      userHandle: base64url.optional(),
    }),
  })
  .openapi('PasskeyAuthenticationResponse');

const PasskeyNameSchema = z
  .string()
  .trim()
  .min(1, 'Enter a name')
  .max(60, 'Use at most 60 characters')
  .openapi({ example: 'Work laptop' });

export const RegisterVerifySchema = z
  .strictObject({ response: RegistrationResponseSchema, name: PasskeyNameSchema.optional() })
  .openapi('PasskeyRegisterVerifyRequest');

/**
 * Nothing to send: sign-in is discoverable only. Naming an account here would let anyone learn
 * which addresses have passkeys, so any field (an e-mail included) is refused.
 */
export const LoginOptionsRequestSchema = z.strictObject({}).openapi('PasskeyLoginOptionsRequest');

export const LoginOptionsResponseSchema = z
  .object({
    challengeId: z.string().openapi({ description: 'Send it back with the response' }),
    options: AuthenticationOptionsSchema,
  })
  .openapi('PasskeyLoginOptions');

export const LoginVerifySchema = z
  .strictObject({ challengeId: z.string().min(1).max(200), response: AuthenticationResponseSchema })
  .openapi('PasskeyLoginVerifyRequest');

export const PasskeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    lastUsedAt: z.string().nullable().openapi({ format: 'date-time' }),
    deviceType: z.enum(['singleDevice', 'multiDevice']),
    backedUp: z.boolean(),
  })
  .openapi('Passkey');

export const PasskeyListSchema = z.object({ items: z.array(PasskeySchema) }).openapi('PasskeyList');

export const PasskeyIdParamSchema = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
});

export const RenamePasskeySchema = z
  .strictObject({ name: PasskeyNameSchema })
  .openapi('RenamePasskeyRequest');
