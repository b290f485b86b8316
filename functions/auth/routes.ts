import { createRouter } from '../platform/openapi';
import { passkeyRoutes } from './passkey-routes';
import { passwordRoutes } from './password-routes';
import { sessionRoutes } from './session-routes';
import { signInRoutes } from './sign-in-routes';
import { twoFactorRoutes } from './two-factor-routes';
import { verificationRoutes } from './verification-routes';

/** The auth domain: sign-in, e-mail verification, passwords, sessions, 2FA and passkeys. */
export const authRoutes = createRouter()
  .route('/', signInRoutes)
  .route('/', verificationRoutes)
  .route('/', passwordRoutes)
  .route('/', sessionRoutes)
  .route('/', twoFactorRoutes)
  .route('/', passkeyRoutes);
