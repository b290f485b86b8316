import { mailTemplate } from '../platform/mail-templates';

/** The confirmation link for a new address, sent to that new address. */
export const confirmNewEmailMail = mailTemplate((link: string) => ({
  en: {
    subject: 'Confirm your new WeBox e-mail address',
    body: `You asked to use this address for your WeBox account. Confirm it by opening this link within 48 hours:\n\n${link}\n\nIf you did not ask for this, ignore this message: nothing changes.`,
  },
  fr: {
    subject: 'Confirmez votre nouvelle adresse e-mail WeBox',
    body: `Vous avez demandé à utiliser cette adresse pour votre compte WeBox. Confirmez-la en ouvrant ce lien dans les 48 heures :\n\n${link}\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message : rien ne change.`,
  },
}));

/** The notice to the current address that a change to another one was asked for. */
export const emailChangeNoticeMail = mailTemplate((maskedNewEmail: string, appOrigin: string) => ({
  en: {
    subject: 'A change of your WeBox e-mail address was requested',
    body: `Someone signed in to your WeBox account asked to change its e-mail address to ${maskedNewEmail}. The change only happens once the new address is confirmed.\n\nIf it was not you, change your password now at ${appOrigin}/profile and review your activity at ${appOrigin}/activity.`,
  },
  fr: {
    subject: 'Changement d’adresse e-mail demandé sur WeBox',
    body: `Quelqu'un connecté à votre compte WeBox a demandé à remplacer son adresse e-mail par ${maskedNewEmail}. Le changement n'a lieu qu'une fois la nouvelle adresse confirmée.\n\nSi ce n'est pas vous, changez votre mot de passe dès maintenant sur ${appOrigin}/profile et vérifiez votre activité sur ${appOrigin}/activity.`,
  },
}));
