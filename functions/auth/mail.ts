import type { MailMessage } from '../platform/mail';

/** The address-confirmation e-mail sent on sign-up, in the account's language. */
export function verificationMail(
  to: string,
  name: string,
  locale: string,
  link: string,
): MailMessage {
  if (locale === 'en') {
    return {
      to,
      subject: 'Confirm your e-mail address for WeBox',
      text: `Hello ${name},\n\nYour WeBox account is ready. Confirm that this address is yours by opening this link within 48 hours:\n\n${link}\n\nIf you did not create a WeBox account, ignore this message.\n\nThe WeBox team`,
    };
  }
  return {
    to,
    subject: 'Confirmez votre adresse e-mail pour WeBox',
    text: `Bonjour ${name},\n\nVotre compte WeBox est prêt. Confirmez que cette adresse est bien la vôtre en ouvrant ce lien dans les 48 heures :\n\n${link}\n\nSi vous n'avez pas créé de compte WeBox, ignorez ce message.\n\nL'équipe WeBox`,
  };
}

/** The password-reset e-mail, with a link valid for one hour. */
export function passwordResetMail(
  to: string,
  name: string,
  locale: string,
  link: string,
): MailMessage {
  if (locale === 'en') {
    return {
      to,
      subject: 'Reset your WeBox password',
      text: `Hello ${name},\n\nSomeone (hopefully you) asked to reset the password of your WeBox account. Choose a new password by opening this link within one hour:\n\n${link}\n\nIf you did not ask for this, ignore this message: your password stays as it is.\n\nThe WeBox team`,
    };
  }
  return {
    to,
    subject: 'Réinitialisez votre mot de passe WeBox',
    text: `Bonjour ${name},\n\nQuelqu'un (vous, normalement) a demandé à réinitialiser le mot de passe de votre compte WeBox. Choisissez un nouveau mot de passe en ouvrant ce lien dans l'heure :\n\n${link}\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.\n\nL'équipe WeBox`,
  };
}

/** The notice sent after a password change or reset, pointing to recovery if it was not them. */
export function passwordChangedMail(
  to: string,
  name: string,
  locale: string,
  appOrigin: string,
): MailMessage {
  if (locale === 'en') {
    return {
      to,
      subject: 'Your WeBox password was changed',
      text: `Hello ${name},\n\nThe password of your WeBox account was just changed. If it was you, there is nothing to do.\n\nIf it was not you, reset your password now at ${appOrigin}/forgot and review your active sessions at ${appOrigin}/sessions.\n\nThe WeBox team`,
    };
  }
  return {
    to,
    subject: 'Votre mot de passe WeBox a été modifié',
    text: `Bonjour ${name},\n\nLe mot de passe de votre compte WeBox vient d'être modifié. Si c'est vous, il n'y a rien à faire.\n\nSi ce n'est pas vous, réinitialisez votre mot de passe dès maintenant sur ${appOrigin}/forgot et vérifiez vos sessions actives sur ${appOrigin}/sessions.\n\nL'équipe WeBox`,
  };
}

/** `en` when the browser prefers English, else French. */
export function localeFrom(acceptLanguage: string | undefined): 'fr' | 'en' {
  const first = acceptLanguage?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'fr';
}
