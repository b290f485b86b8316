/**
 * The UI strings of the app shell: name, languages, theme, navigation, areas, errors, roles and the dashboard (keys `app.*`, `nav.*`, `area.*`, …), merged into the app's dictionaries by i18n.ts.
 * English is the reference: French must have every key.
 */
export const appEn = {
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

  'area.sessions': 'Sessions',
  'area.adminUsers': 'Users',
  'area.usage': 'Usage',
  'area.apiTokens': 'API tokens',
  'area.adminModels': 'Models',

  'area.adminOutbox': 'Outbox',
  'toast.sessionStarted': 'New sign-in to your account ({device})',
  'toast.dismiss': 'Dismiss',
  'device.on': '{browser} on {system}',
  'device.browser': 'Browser',
  'device.unknown': 'unknown device',

  'forbidden.title': 'Access denied',
  'forbidden.body': 'This area is reserved for administrators.',
  'notFound.title': 'Page not found',
  'notFound.body': 'There is no page at this address.',
  'area.keys': 'AI keys',
  'area.activity': 'Activity',

  'area.security': 'Security',
} as const;

export type AppMessageKey = keyof typeof appEn;

export const appFr: Record<AppMessageKey, string> = {
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

  'area.sessions': 'Sessions',
  'area.adminUsers': 'Utilisateurs',
  'area.usage': 'Consommation',
  'area.apiTokens': 'Jetons d’API',
  'area.adminModels': 'Modèles',

  'area.adminOutbox': 'E-mails sortants',
  'toast.sessionStarted': 'Nouvelle connexion à votre compte ({device})',
  'toast.dismiss': 'Fermer',
  'device.on': '{browser} sous {system}',
  'device.browser': 'Navigateur',
  'device.unknown': 'appareil inconnu',

  'forbidden.title': 'Accès refusé',
  'forbidden.body': 'Cet espace est réservé aux administrateurs.',
  'notFound.title': 'Page introuvable',
  'notFound.body': 'Il n’y a pas de page à cette adresse.',
  'area.keys': 'Clés d’IA',
  'area.activity': 'Activité',

  'area.security': 'Sécurité',
};
