import { generationEn, generationFr } from './components/generation/messages';
import { notificationsEn, notificationsFr } from './components/notifications/messages';
import { shopEn, shopFr } from './components/shop/messages';
import { accountEn, accountFr } from './messages/account';
import { adminEn, adminFr } from './messages/admin';
import { appEn, appFr } from './messages/app';
import { authEn, authFr } from './messages/auth';
import { chatEn, chatFr } from './messages/chat';
import { developerEn, developerFr } from './messages/developer';
import { libraryEn, libraryFr } from './messages/library';
import { mediaEn, mediaFr } from './messages/media';
import { createStore, useStore } from './store';
import { uiEn, uiFr } from './ui/messages';

/** The languages the UI is written in. */
export type Lang = 'fr' | 'en';

export const LANGS: readonly Lang[] = ['fr', 'en'];

const en = {
  ...shopEn,
  ...notificationsEn,
  ...generationEn,
  ...appEn,
  ...authEn,
  ...accountEn,
  ...developerEn,
  ...chatEn,
  ...libraryEn,
  ...mediaEn,
  ...adminEn,
  ...uiEn,
} as const;

/** Every key the UI may ask for; the English dictionary is the reference. */
export type MessageKey = keyof typeof en;

const fr: Record<MessageKey, string> = {
  ...shopFr,
  ...notificationsFr,
  ...generationFr,
  ...appFr,
  ...authFr,
  ...accountFr,
  ...developerFr,
  ...chatFr,
  ...libraryFr,
  ...mediaFr,
  ...adminFr,
  ...uiFr,
};

const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, fr };

const STORAGE_KEY = 'webox.lang';

function isLang(value: unknown): value is Lang {
  return value === 'fr' || value === 'en';
}

/** The remembered choice, else the browser's language (fr* → fr, anything else → en). */
function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // Storage can be disabled (privacy mode); fall back to the browser language.
  }
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

const langStore = createStore<Lang>(initialLang());

/** Fills `{name}` placeholders; unknown placeholders are left as written. */
function format(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in params ? String(params[key]) : whole,
  );
}

/** Translates a key in the current language. */
export function translate(key: MessageKey, params?: Record<string, string | number>): string {
  return format(dictionaries[langStore.get()][key], params);
}

/** Changes the UI language, remembers it and updates `<html lang>`. */
export function setLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered when storage is disabled; the choice still applies to this page.
  }
  document.documentElement.lang = lang;
  langStore.set(lang);
}

/** The current language and a translate function; re-renders the caller when the language changes. */
export function useI18n(): { lang: Lang; t: typeof translate } {
  const lang = useStore(langStore);
  return { lang, t: translate };
}

document.documentElement.lang = langStore.get();
