import { mailTemplate } from '../platform/mail-templates';

/** The address-confirmation e-mail sent on sign-up, in the account's language. */
export const verificationMail = mailTemplate((link: string) => ({
  en: {
    subject: 'Confirm your e-mail address for WeBox',
    body: `Your WeBox account is ready. Confirm that this address is yours by opening this link within 48 hours:\n\n${link}\n\nIf you did not create a WeBox account, ignore this message.`,
  },
  fr: {
    subject: 'Confirmez votre adresse e-mail pour WeBox',
    body: `Votre compte WeBox est prêt. Confirmez que cette adresse est bien la vôtre en ouvrant ce lien dans les 48 heures :\n\n${link}\n\nSi vous n'avez pas créé de compte WeBox, ignorez ce message.`,
  },
}));

/** The password-reset e-mail, with a link valid for one hour. */
export const passwordResetMail = mailTemplate((link: string) => ({
  en: {
    subject: 'Reset your WeBox password',
    body: `Someone (hopefully you) asked to reset the password of your WeBox account. Choose a new password by opening this link within one hour:\n\n${link}\n\nIf you did not ask for this, ignore this message: your password stays as it is.`,
  },
  fr: {
    subject: 'Réinitialisez votre mot de passe WeBox',
    body: `Quelqu'un (vous, normalement) a demandé à réinitialiser le mot de passe de votre compte WeBox. Choisissez un nouveau mot de passe en ouvrant ce lien dans l'heure :\n\n${link}\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.`,
  },
}));

/** The notice sent after a password change or reset, pointing to recovery if it was not them. */
export const passwordChangedMail = mailTemplate((appOrigin: string) => ({
  en: {
    subject: 'Your WeBox password was changed',
    body: `The password of your WeBox account was just changed. If it was you, there is nothing to do.\n\nIf it was not you, reset your password now at ${appOrigin}/forgot and review your active sessions at ${appOrigin}/sessions.`,
  },
  fr: {
    subject: 'Votre mot de passe WeBox a été modifié',
    body: `Le mot de passe de votre compte WeBox vient d'être modifié. Si c'est vous, il n'y a rien à faire.\n\nSi ce n'est pas vous, réinitialisez votre mot de passe dès maintenant sur ${appOrigin}/forgot et vérifiez vos sessions actives sur ${appOrigin}/sessions.`,
  },
}));

/** `en` when the browser prefers English, else French. */
export function localeFrom(acceptLanguage: string | undefined): 'fr' | 'en' {
  const first = acceptLanguage?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'fr';
}
