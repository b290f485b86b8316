import type { MailMessage } from './mailer';

/** One language's version of an e-mail: the subject and the body between greeting and sign-off. */
export interface MailCopy {
  subject: string;
  body: string;
}

const FRAME = {
  en: { hello: 'Hello', signOff: 'The WeBox team' },
  fr: { hello: 'Bonjour', signOff: "L'équipe WeBox" },
} as const;

/**
 * A WeBox e-mail in the account's language: English for `en`, French for anything else, with
 * the same greeting and sign-off around every body.
 */
export function bilingualMail(
  to: string,
  name: string,
  locale: string,
  copy: { en: MailCopy; fr: MailCopy },
): MailMessage {
  const lang = locale === 'en' ? 'en' : 'fr';
  const { hello, signOff } = FRAME[lang];
  const { subject, body } = copy[lang];
  return { to, subject, text: `${hello} ${name},\n\n${body}\n\n${signOff}` };
}

/**
 * Turns the copy of one e-mail (a function of its own arguments: a link, an origin...) into
 * its builder: `(to, name, locale, ...args) => MailMessage`.
 */
export function mailTemplate<A extends unknown[]>(
  copy: (...args: A) => { en: MailCopy; fr: MailCopy },
) {
  return (to: string, name: string, locale: string, ...args: A): MailMessage =>
    bilingualMail(to, name, locale, copy(...args));
}
