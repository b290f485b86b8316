import { requestMeta } from '../auth/request-meta';
import { loadKeyring } from '../platform/crypto';
import { requireRecentAuth } from '../platform/middleware/recent-auth';
import {
  adminRoute,
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  userRoute,
} from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { recordEvent } from './audit';
import { deleteKey, listKeys, putKey, testKey } from './keys';
import { KEY_ROTATE_RULE, KEY_TEST_RULE, KEY_WRITE_RULE } from './limits';
import { rotateSecrets } from './rotation';
import {
  KeyListSchema,
  KeyPutSchema,
  KeySummarySchema,
  KeyTestResultSchema,
  ProviderParamSchema,
  RotationResultSchema,
} from './schemas';

const listKeysRoute = userRoute({
  method: 'get',
  path: '/keys',
  tags: ['keys'],
  summary: 'Your own AI provider keys',
  description: 'Keys are never returned: only their last four characters.',
  responses: {
    200: jsonResponse(KeyListSchema, 'Your keys'),
  },
});

const putKeyRoute = userRoute({
  method: 'put',
  path: '/keys/{provider}',
  tags: ['keys'],
  summary: 'Add or replace your key for a provider',
  description:
    'Needs a sign-in in the last 10 minutes. The key is encrypted (AES-256-GCM) before it is stored and never shown again.',
  middleware: [requireRecentAuth],
  rateLimit: rateLimitByUser(KEY_WRITE_RULE),
  request: { params: ProviderParamSchema, body: jsonBody(KeyPutSchema) },
  responses: {
    200: jsonResponse(KeySummarySchema, 'Replaced'),
    201: jsonResponse(KeySummarySchema, 'Added'),
    ...problemResponses(403, 409, 503),
  },
});

const deleteKeyRoute = userRoute({
  method: 'delete',
  path: '/keys/{provider}',
  tags: ['keys'],
  summary: 'Delete your key for a provider',
  rateLimit: rateLimitByUser(KEY_WRITE_RULE),
  request: { params: ProviderParamSchema },
  responses: {
    204: { description: 'Deleted' },
  },
});

const testKeyRoute = userRoute({
  method: 'post',
  path: '/keys/{provider}/test',
  tags: ['keys'],
  summary: 'Check your key with one cheap call to the provider',
  description:
    'Lists the provider’s models with its official SDK (10 s timeout, no retries). A rejected key, a timeout or an unreadable key is a result with ok: false, not an error.',
  rateLimit: rateLimitByUser(KEY_TEST_RULE),
  request: { params: ProviderParamSchema },
  responses: {
    200: jsonResponse(KeyTestResultSchema, 'The outcome, also stored with the key'),
    ...problemResponses(503),
  },
});

const rotateRoute = adminRoute({
  method: 'post',
  path: '/admin/keys/rotate',
  tags: ['admin'],
  summary: 'Re-encrypt stored secrets under the newest master key',
  description:
    'Re-seals every AI key and TOTP secret sealed under an older ENCRYPTION_KEYS version, in batches. Idempotent; call again while done is false.',
  rateLimit: rateLimitByUser(KEY_ROTATE_RULE),
  responses: {
    200: jsonResponse(RotationResultSchema, 'What was re-encrypted'),
    ...problemResponses(503),
  },
});

/** Bring-your-own AI keys, and their master-key rotation. */
export const keyRoutes = createRouter()
  .openapi(listKeysRoute, async (c) => {
    return c.json({ items: await listKeys(c.var.services, c.var.auth.userId) }, 200);
  })
  .openapi(putKeyRoute, async (c) => {
    const { provider } = c.req.valid('param');
    const { key, created } = await putKey(
      c.var.services,
      c.var.auth.userId,
      provider,
      c.req.valid('json'),
      requestMeta(c),
    );
    return created ? c.json(key, 201) : c.json(key, 200);
  })
  .openapi(deleteKeyRoute, async (c) => {
    const { provider } = c.req.valid('param');
    await deleteKey(c.var.services, c.var.auth.userId, provider, requestMeta(c));
    return c.body(null, 204);
  })
  .openapi(testKeyRoute, async (c) => {
    const { provider } = c.req.valid('param');
    return c.json(await testKey(c.var.services, c.var.auth.userId, provider, requestMeta(c)), 200);
  })
  .openapi(rotateRoute, async (c) => {
    const { services } = c.var;
    const keyring = await loadKeyring(services.secrets.ENCRYPTION_KEYS);
    const result = await rotateSecrets(services.db, keyring);
    await recordEvent(services.db, c.var.auth.userId, 'keys.rotated', requestMeta(c), {
      version: result.currentVersion,
      aiKeys: result.aiKeys.rotated,
      totpSecrets: result.totpSecrets.rotated,
      failed: result.aiKeys.failed + result.totpSecrets.failed,
    });
    services.logger.info('master key rotation', { ...result });
    return c.json(result, 200);
  });
