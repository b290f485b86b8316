import type { MailMessage } from '../platform/mail';

/** The confirmation link for a new address, sent to that new address. */
export function confirmNewEmailMail(
  to: string,
  name: string,
  locale: string,
  link: string,
): MailMessage {
  if (locale === 'en') {
    return {
      to,
      subject: 'Confirm your new WeBox e-mail address',
      text: `Hello ${name},\n\nYou asked to use this address for your WeBox account. Confirm it by opening this link within 48 hours:\n\n${link}\n\nIf you did not ask for this, ignore this message: nothing changes.\n\nThe WeBox team`,
    };
  }
  return {
    to,
    subject: 'Confirmez votre nouvelle adresse e-mail WeBox',
    text: `Bonjour ${name},\n\nVous avez demandé à utiliser cette adresse pour votre compte WeBox. Confirmez-la en ouvrant ce lien dans les 48 heures :\n\n${link}\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message : rien ne change.\n\nL'équipe WeBox`,
  };
}

/** The notice to the current address that a change to another one was asked for. */
export function emailChangeNoticeMail(
  to: string,
  name: string,
  locale: string,
  maskedNewEmail: string,
  appOrigin: string,
): MailMessage {
  if (locale === 'en') {
    return {
      to,
      subject: 'A change of your WeBox e-mail address was requested',
      text: `Hello ${name},\n\nSomeone signed in to your WeBox account asked to change its e-mail address to ${maskedNewEmail}. The change only happens once the new address is confirmed.\n\nIf it was not you, change your password now at ${appOrigin}/profile and review your activity at ${appOrigin}/activity.\n\nThe WeBox team`,
    };
  }
  return {
    to,
    subject: 'Changement d’adresse e-mail demandé sur WeBox',
    text: `Bonjour ${name},\n\nQuelqu'un connecté à votre compte WeBox a demandé à remplacer son adresse e-mail par ${maskedNewEmail}. Le changement n'a lieu qu'une fois la nouvelle adresse confirmée.\n\nSi ce n'est pas vous, changez votre mot de passe dès maintenant sur ${appOrigin}/profile et vérifiez votre activité sur ${appOrigin}/activity.\n\nL'équipe WeBox`,
  };
}
