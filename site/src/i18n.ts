import { createStore, useStore } from './store';

/** The languages the UI is written in. */
export type Lang = 'fr' | 'en';

export const LANGS: readonly Lang[] = ['fr', 'en'];

const en = {
  'app.name': 'WeBox',
  'app.tagline': 'Many AI models, one workspace.',
  'app.loading': 'Loading…',
  'app.skip': 'Skip to content',

  'lang.label': 'Language',
  'lang.fr': 'Français',
  'lang.en': 'English',

  'theme.toLight': 'Switch to light theme',
  'theme.toDark': 'Switch to dark theme',

  'nav.label': 'Main navigation',
  'nav.open': 'Open menu',
  'nav.close': 'Close menu',
  'nav.apiDocs': 'API reference',

  'area.dashboard': 'Dashboard',
  'area.chat': 'Chat',
  'area.agents': 'Agents',
  'area.prompts': 'Prompts',
  'area.workflows': 'Workflows',
  'area.generation': 'Generation',
  'area.media': 'Media',
  'area.marketplace': 'Marketplace',
  'area.orders': 'Orders',
  'area.support': 'Support',
  'area.blog': 'Blog',
  'area.profile': 'Profile',
  'area.admin': 'Admin',

  'about.chat': 'Chat with several AI models side by side and compare their answers in one place.',
  'about.agents': 'Build AI agents with their own instructions, tools and memory, and reuse them.',
  'about.prompts': 'Save, organise and share the prompts you use most, with variables.',
  'about.workflows':
    'Chain AI steps into workflows that run in the background and report their progress.',
  'about.generation': 'Generate images, audio, video, eBooks, shorts and ads from a brief.',
  'about.media': 'Browse, download and manage everything you have generated or uploaded.',
  'about.marketplace': 'Buy AI tools, products and plans, with card, PayPal or bank transfer.',
  'about.orders': 'Follow your orders and payments and download your invoices.',
  'about.support': 'Open a ticket, read the FAQ or contact the WeBox team.',
  'about.blog': 'News, guides and release notes from the WeBox team.',
  'about.profile': 'Edit your name, password, two-factor sign-in, passkeys and your own AI keys.',
  'about.admin': 'Manage users, orders, content and monitoring for the whole platform.',

  'soon.badge': 'Coming soon',
  'soon.body': 'This area is not available yet.',
  'soon.back': 'Back to the dashboard',

  'user.menu': 'Account menu for {name}',
  'user.logout': 'Log out',
  'user.loggingOut': 'Logging out…',

  'auth.email': 'Email',
  'auth.password': 'Password',
  'auth.name': 'Name',
  'auth.login.title': 'Log in',
  'auth.login.submit': 'Log in',
  'auth.login.pending': 'Logging in…',
  'auth.login.noAccount': 'No account yet?',
  'auth.login.toRegister': 'Create one',
  'auth.register.title': 'Create your account',
  'auth.register.submit': 'Create account',
  'auth.register.pending': 'Creating your account…',
  'auth.register.hasAccount': 'Already have an account?',
  'auth.register.toLogin': 'Log in',
  'auth.password.hint': 'At least 10 characters. A longer passphrase is stronger.',
  'auth.strength.label': 'Password strength: {level}',
  'auth.strength.weak': 'weak',
  'auth.strength.fair': 'fair',
  'auth.strength.good': 'good',
  'auth.strength.strong': 'strong',
  'auth.sessionEnded': 'Your session has ended. Please log in again.',

  'errors.title': 'Something went wrong',
  'errors.network': 'The server could not be reached. Check your connection and try again.',
  'errors.unexpected': 'Unexpected error (HTTP {status}).',
  'errors.requestId': 'Request id: {id}',

  'dashboard.greeting': 'Hello, {name}',
  'dashboard.account': 'Your account',
  'dashboard.email': 'Email',
  'dashboard.plan': 'Plan',
  'dashboard.role': 'Role',
  'dashboard.since': 'Member since',
  'dashboard.areas': 'Areas',
  'dashboard.areasIntro': 'WeBox is being built area by area. Here is what is coming.',

  'plan.free': 'Free',
  'plan.pro': 'Pro',
  'plan.business': 'Business',
  'role.user': 'User',
  'role.admin': 'Administrator',

  'forbidden.title': 'Access denied',
  'forbidden.body': 'This area is reserved for administrators.',
  'notFound.title': 'Page not found',
  'notFound.body': 'There is no page at this address.',
} as const;

/** Every key the UI may ask for; the English dictionary is the reference. */
export type MessageKey = keyof typeof en;

const fr: Record<MessageKey, string> = {
  'app.name': 'WeBox',
  'app.tagline': 'De nombreux modèles d’IA, un seul espace de travail.',
  'app.loading': 'Chargement…',
  'app.skip': 'Aller au contenu',

  'lang.label': 'Langue',
  'lang.fr': 'Français',
  'lang.en': 'English',

  'theme.toLight': 'Passer au thème clair',
  'theme.toDark': 'Passer au thème sombre',

  'nav.label': 'Navigation principale',
  'nav.open': 'Ouvrir le menu',
  'nav.close': 'Fermer le menu',
  'nav.apiDocs': 'Référence de l’API',

  'area.dashboard': 'Tableau de bord',
  'area.chat': 'Chat',
  'area.agents': 'Agents',
  'area.prompts': 'Prompts',
  'area.workflows': 'Workflows',
  'area.generation': 'Génération',
  'area.media': 'Médias',
  'area.marketplace': 'Boutique',
  'area.orders': 'Commandes',
  'area.support': 'Support',
  'area.blog': 'Blog',
  'area.profile': 'Profil',
  'area.admin': 'Administration',

  'about.chat':
    'Discutez avec plusieurs modèles d’IA côte à côte et comparez leurs réponses au même endroit.',
  'about.agents':
    'Créez des agents d’IA avec leurs propres instructions, outils et mémoire, et réutilisez-les.',
  'about.prompts':
    'Enregistrez, organisez et partagez vos prompts les plus utilisés, avec des variables.',
  'about.workflows':
    'Enchaînez des étapes d’IA dans des workflows qui tournent en arrière-plan et suivent leur progression.',
  'about.generation':
    'Générez des images, de l’audio, des vidéos, des eBooks, des shorts et des publicités à partir d’un brief.',
  'about.media': 'Parcourez, téléchargez et gérez tout ce que vous avez généré ou importé.',
  'about.marketplace':
    'Achetez des outils d’IA, des produits et des abonnements, par carte, PayPal ou virement.',
  'about.orders': 'Suivez vos commandes et paiements et téléchargez vos factures.',
  'about.support': 'Ouvrez un ticket, consultez la FAQ ou contactez l’équipe WeBox.',
  'about.blog': 'Actualités, guides et notes de version de l’équipe WeBox.',
  'about.profile':
    'Modifiez votre nom, votre mot de passe, la double authentification, vos passkeys et vos propres clés d’IA.',
  'about.admin':
    'Gérez les utilisateurs, les commandes, les contenus et la supervision de toute la plateforme.',

  'soon.badge': 'Bientôt disponible',
  'soon.body': 'Cet espace n’est pas encore disponible.',
  'soon.back': 'Retour au tableau de bord',

  'user.menu': 'Menu du compte de {name}',
  'user.logout': 'Se déconnecter',
  'user.loggingOut': 'Déconnexion…',

  'auth.email': 'E-mail',
  'auth.password': 'Mot de passe',
  'auth.name': 'Nom',
  'auth.login.title': 'Connexion',
  'auth.login.submit': 'Se connecter',
  'auth.login.pending': 'Connexion…',
  'auth.login.noAccount': 'Pas encore de compte ?',
  'auth.login.toRegister': 'Créez-en un',
  'auth.register.title': 'Créer votre compte',
  'auth.register.submit': 'Créer le compte',
  'auth.register.pending': 'Création du compte…',
  'auth.register.hasAccount': 'Vous avez déjà un compte ?',
  'auth.register.toLogin': 'Connectez-vous',
  'auth.password.hint': 'Au moins 10 caractères. Une phrase de passe plus longue est plus sûre.',
  'auth.strength.label': 'Robustesse du mot de passe : {level}',
  'auth.strength.weak': 'faible',
  'auth.strength.fair': 'moyenne',
  'auth.strength.good': 'bonne',
  'auth.strength.strong': 'forte',
  'auth.sessionEnded': 'Votre session a expiré. Veuillez vous reconnecter.',

  'errors.title': 'Une erreur est survenue',
  'errors.network': 'Le serveur est injoignable. Vérifiez votre connexion et réessayez.',
  'errors.unexpected': 'Erreur inattendue (HTTP {status}).',
  'errors.requestId': 'Identifiant de requête : {id}',

  'dashboard.greeting': 'Bonjour, {name}',
  'dashboard.account': 'Votre compte',
  'dashboard.email': 'E-mail',
  'dashboard.plan': 'Offre',
  'dashboard.role': 'Rôle',
  'dashboard.since': 'Membre depuis',
  'dashboard.areas': 'Espaces',
  'dashboard.areasIntro': 'WeBox se construit espace par espace. Voici ce qui arrive.',

  'plan.free': 'Gratuit',
  'plan.pro': 'Pro',
  'plan.business': 'Business',
  'role.user': 'Utilisateur',
  'role.admin': 'Administrateur',

  'forbidden.title': 'Accès refusé',
  'forbidden.body': 'Cet espace est réservé aux administrateurs.',
  'notFound.title': 'Page introuvable',
  'notFound.body': 'Il n’y a pas de page à cette adresse.',
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
