import type { MailMessage } from '../platform/mail';

/** The welcome e-mail, in the account's language (French first: our first customers). */
export function welcomeMail(
  to: string,
  name: string,
  locale: string,
  appOrigin: string,
): MailMessage {
  if (locale === 'en') {
    return {
      to,
      subject: 'Welcome to WeBox',
      text: `Hello ${name},\n\nYour WeBox account is ready. Sign in at ${appOrigin}/login to chat with several AI models at once.\n\nThe WeBox team`,
    };
  }
  return {
    to,
    subject: 'Bienvenue sur WeBox',
    text: `Bonjour ${name},\n\nVotre compte WeBox est prêt. Connectez-vous sur ${appOrigin}/login pour discuter avec plusieurs modèles d'IA à la fois.\n\nL'équipe WeBox`,
  };
}

/** `en` when the browser prefers English, else French. */
export function localeFrom(acceptLanguage: string | undefined): 'fr' | 'en' {
  const first = acceptLanguage?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'fr';
}
