/**
 * The text side of eBooks, shorts and ads: prompts and strict parsers for real chat models,
 * and a deterministic offline writer used when the chosen chat model is WeBox's offline one.
 * The offline writer assembles real sentences around the user's subject; the first chapter
 * says plainly that it was written offline.
 */
import { type ChatMessage, ProviderError } from '../models/providers/types';
import { prng } from './encoders/wav';
import { hashOf } from './providers/offline-draw';

export type WriterLanguage = 'fr' | 'en';
export type WriterTone = 'informative' | 'friendly' | 'professional' | 'inspiring' | 'humorous';

export interface EbookWriterInput {
  title: string;
  subject: string;
  /** Number of chapters, 1–20. */
  chapters: number;
  tone: WriterTone;
  language: WriterLanguage;
  audience?: string;
}

export interface Outline {
  title: string;
  chapters: { title: string; summary: string }[];
}

export interface ShortScriptInput {
  topic: string;
  /** Number of scenes, 3–8. */
  scenes: number;
  durationSeconds: number;
  language: WriterLanguage;
}

export interface ShortScript {
  title: string;
  /** `text` is the voice-over line; `visual` an English image prompt for the scene. */
  scenes: { text: string; visual: string }[];
}

export interface AdCopyInput {
  brief: string;
  productName?: string;
  adType: 'showcase' | 'lifestyle';
  language: WriterLanguage;
  /** Number of variants, 1–4. */
  variants: number;
}

export interface AdVariant {
  headline: string;
  body: string;
  cta: string;
}

/** The note that opens an offline book's first chapter. */
export const OFFLINE_WRITER_NOTE = {
  en: 'Note: this text was written by WeBox’s offline model; no AI provider was called.',
  fr: 'Note : ce texte a été rédigé par le modèle hors ligne de WeBox ; aucun fournisseur d’IA n’a été appelé.',
} as const;

const LANGUAGE_NAME = { en: 'English', fr: 'French' } as const;

// ---------------------------------------------------------------------------------------
// Shared text helpers

function flat(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string, max: number): string {
  const value = flat(text);
  if (value.length <= max) return value;
  const cut = value.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.!?-]+$/u, '')}…`;
}

/** The subject reduced to a short phrase that can be quoted inside a sentence. */
function topicOf(subject: string, fallback: string): string {
  const first = flat(subject).split(/(?<=[.!?])\s/u)[0] ?? '';
  const phrase = clip(first.replace(/[.!?…]+$/u, ''), 90);
  const chosen = phrase.length >= 3 ? phrase : clip(fallback, 90);
  // "Le jardinage urbain" reads better inside a sentence as "le jardinage urbain"; names stay.
  return /^(le|la|les|l[’']|un|une|des|du|the|a|an)(\s|(?<=[’']))/iu.test(chosen)
    ? chosen.charAt(0).toLowerCase() + chosen.slice(1)
    : chosen;
}

/** Quoted the way each language quotes (French guillemets take narrow no-break spaces). */
function quote(text: string, language: WriterLanguage): string {
  return language === 'fr' ? `«\u202f${text}\u202f»` : `“${text}”`;
}

const STOP_WORDS = new Set(
  `the and for with that this from your about into their there which what when where while have will would could should them they these those some more most other than then also just like over such very only each make made
  les des une pour avec dans sur par que qui quoi est sont être avoir plus moins comme mais ou donc car leur leurs nous vous ils elles cette ces son ses aux du au pas tout tous toute toutes faire fait sans entre très aussi bien même`
    .split(/\s+/)
    .filter(Boolean),
);

/** Distinct content words of `text`, most frequent first. */
function keywords(text: string, count: number): string[] {
  const freq = new Map<string, number>();
  for (const word of text.toLowerCase().match(/\p{L}[\p{L}'’-]{4,}/gu) ?? []) {
    if (!STOP_WORDS.has(word)) freq.set(word, (freq.get(word) ?? 0) + 1);
  }
  return [...freq.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, count)
    .map(([word]) => word);
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '');
}

/** Picks `count` distinct items of `items` in a seeded order. */
function pick<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) {
    out.push(pool.splice(Math.floor(random() * pool.length), 1)[0] as T);
  }
  return out;
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

// ---------------------------------------------------------------------------------------
// Offline eBook

interface Theme {
  title: string;
  summary: string;
  opening: string;
}

/** Chapter themes in reading order; the first opens the book and the last closes it. */
const THEMES: Record<WriterLanguage, Theme[]> = {
  fr: [
    {
      title: 'Pourquoi ce sujet compte',
      summary: 'Pourquoi {topic} mérite notre attention, et ce que vous gagnerez à lire ce livre.',
      opening:
        'Tout commence par une question simple : pourquoi s’intéresser à {topic} aujourd’hui ? La réponse tient en quelques mots. Ce sujet touche notre quotidien bien plus qu’on ne le croit, et le comprendre permet de faire des choix plus éclairés.',
    },
    {
      title: 'Les notions essentielles',
      summary:
        'Les idées de base et le vocabulaire indispensable pour aborder {topic} sans se perdre.',
      opening:
        'Avant d’aller plus loin, posons des fondations solides. Comme dans toute discipline, {topic} repose sur quelques notions clés qu’il vaut mieux maîtriser dès le départ : elles éclairent tout le reste.',
    },
    {
      title: 'Un peu d’histoire',
      summary:
        'D’où vient {topic}, comment les pratiques ont évolué et ce que ce passé nous apprend.',
      opening:
        'Rien n’apparaît par hasard. Les pratiques liées à {topic} se sont construites peu à peu, au fil d’essais, d’erreurs et de découvertes. Regarder en arrière aide à comprendre pourquoi les choses sont telles qu’elles sont.',
    },
    {
      title: 'Les premiers pas',
      summary:
        'Un démarrage concret et rassurant : par où commencer avec {topic}, étape par étape.',
      opening:
        'Le plus difficile est souvent de commencer. Ce chapitre propose un point de départ concret pour aborder {topic}, avec des étapes courtes et réalistes qui donnent rapidement des résultats visibles.',
    },
    {
      title: 'Méthodes et outils',
      summary: 'Les méthodes éprouvées et les outils utiles pour progresser dans {topic}.',
      opening:
        'Une bonne méthode vaut mieux qu’un effort désordonné. Pour avancer dans {topic}, quelques outils simples et des habitudes bien choisies font une différence considérable.',
    },
    {
      title: 'Les erreurs fréquentes',
      summary: 'Les pièges les plus courants autour de {topic} et la manière de les éviter.',
      opening:
        'Tout le monde se trompe, et c’est normal. Certaines erreurs reviennent pourtant si souvent avec {topic} qu’il serait dommage de ne pas les connaître à l’avance.',
    },
    {
      title: 'Études de cas',
      summary:
        'Des situations réalistes qui montrent {topic} en action, avec ce qui a fonctionné et ce qui a échoué.',
      opening:
        'Les principes prennent tout leur sens face à des situations réelles. Voici quelques cas inspirés de la pratique, qui montrent comment {topic} se vit concrètement sur le terrain.',
    },
    {
      title: 'Construire une routine',
      summary:
        'Comment intégrer {topic} dans la vie de tous les jours grâce à des habitudes durables.',
      opening:
        'Les progrès durables naissent de la régularité plutôt que de l’intensité. Faire de {topic} une habitude demande un peu d’organisation, mais le jeu en vaut largement la chandelle.',
    },
    {
      title: 'Mesurer ses progrès',
      summary: 'Des repères simples pour savoir si l’on avance vraiment avec {topic}.',
      opening:
        'Comment savoir si l’on progresse ? Sans repères, il est facile de se décourager ou, au contraire, de se croire arrivé trop tôt. Ce chapitre propose des indicateurs clairs pour suivre votre avancée dans {topic}.',
    },
    {
      title: 'Surmonter les obstacles',
      summary:
        'Les difficultés qui se présentent tôt ou tard avec {topic}, et les moyens de les franchir.',
      opening:
        'Il arrive un moment où tout semble plus difficile. C’est précisément là que se joue la différence entre ceux qui abandonnent et ceux qui progressent dans {topic}.',
    },
    {
      title: 'Travailler avec les autres',
      summary: 'Partager, apprendre ensemble et s’entourer : la dimension collective de {topic}.',
      opening:
        'On va plus loin à plusieurs. Échanger avec d’autres personnes intéressées par {topic} permet de gagner du temps, d’éviter des erreurs et de trouver une motivation nouvelle.',
    },
    {
      title: 'Idées reçues et réalités',
      summary: 'Ce que l’on croit savoir sur {topic}, confronté à ce que montre l’expérience.',
      opening:
        'Certaines idées circulent depuis si longtemps qu’on ne pense plus à les remettre en question. Autour de {topic}, plusieurs croyances méritent pourtant d’être examinées de près.',
    },
    {
      title: 'La place de la créativité',
      summary: 'Comment l’imagination et l’expérimentation enrichissent la pratique de {topic}.',
      opening:
        'Les règles sont utiles, mais elles ne disent pas tout. Une fois les bases acquises, {topic} devient un terrain d’expérimentation où la créativité a toute sa place.',
    },
    {
      title: 'Les ressources utiles',
      summary: 'Où trouver de l’aide, des informations fiables et de l’inspiration sur {topic}.',
      opening:
        'Personne n’apprend seul. Pour approfondir {topic}, il existe de nombreuses ressources, et savoir trier les plus fiables est déjà une compétence précieuse.',
    },
    {
      title: 'Éthique et responsabilité',
      summary:
        'Les questions de responsabilité que soulève {topic} et les bonnes pratiques à adopter.',
      opening:
        'Toute pratique a des conséquences, sur soi comme sur les autres. S’interroger sur la dimension éthique de {topic} permet d’agir avec plus de justesse et de sérénité.',
    },
    {
      title: 'Questions fréquentes',
      summary: 'Des réponses claires aux questions que l’on se pose le plus souvent sur {topic}.',
      opening:
        'Certaines questions reviennent sans cesse. Ce chapitre rassemble celles que l’on se pose le plus souvent à propos de {topic}, avec des réponses directes et honnêtes.',
    },
    {
      title: 'Aller plus loin',
      summary: 'Des pistes pour approfondir {topic} une fois les bases bien installées.',
      opening:
        'Vous avez désormais une base solide. Pour celles et ceux qui souhaitent approfondir {topic}, plusieurs chemins s’ouvrent, chacun avec ses exigences et ses satisfactions.',
    },
    {
      title: 'Regards d’experts',
      summary: 'Ce que la pratique de longue date enseigne sur {topic}.',
      opening:
        'Les personnes expérimentées partagent souvent les mêmes conseils, formulés différemment. En les écoutant, on découvre ce qui compte vraiment dans {topic}.',
    },
    {
      title: 'Perspectives d’avenir',
      summary: 'Les tendances qui se dessinent et la manière dont {topic} pourrait évoluer.',
      opening:
        'Le monde change vite, et {topic} n’échappe pas à la règle. Quelles évolutions se dessinent, et comment s’y préparer sans céder aux effets de mode ?',
    },
    {
      title: 'Synthèse et plan d’action',
      summary:
        'L’essentiel du livre en quelques idées fortes, et un plan concret pour passer à l’action.',
      opening:
        'Nous voici arrivés au terme de ce parcours. Il est temps de rassembler l’essentiel de ce que nous avons vu sur {topic} et de le transformer en un plan d’action clair.',
    },
  ],
  en: [
    {
      title: 'Why this matters',
      summary: 'Why {topic} deserves our attention, and what you will gain from this book.',
      opening:
        'It all starts with a simple question: why care about {topic} today? The answer is short. This subject touches everyday life far more than we tend to think, and understanding it leads to better decisions.',
    },
    {
      title: 'The essential ideas',
      summary: 'The basic ideas and vocabulary you need to approach {topic} with confidence.',
      opening:
        'Before going further, let us lay solid foundations. Like any field, {topic} rests on a handful of key ideas that are worth mastering early: they shed light on everything else.',
    },
    {
      title: 'A little history',
      summary: 'Where {topic} comes from, how practice has changed, and what that past teaches us.',
      opening:
        'Nothing appears out of nowhere. The practices around {topic} grew step by step, through trial, error and discovery. Looking back helps us understand why things are the way they are.',
    },
    {
      title: 'First steps',
      summary: 'A practical, reassuring start: where to begin with {topic}, one step at a time.',
      opening:
        'The hardest part is often getting started. This chapter offers a concrete starting point for {topic}, with short, realistic steps that quickly bring visible results.',
    },
    {
      title: 'Methods and tools',
      summary: 'Proven methods and useful tools to make progress with {topic}.',
      opening:
        'A good method beats scattered effort. To move forward with {topic}, a few simple tools and well-chosen habits make a considerable difference.',
    },
    {
      title: 'Common mistakes',
      summary: 'The most frequent pitfalls around {topic}, and how to avoid them.',
      opening:
        'Everyone makes mistakes, and that is fine. Some errors, however, come up so often with {topic} that it would be a shame not to know them in advance.',
    },
    {
      title: 'Case studies',
      summary: 'Realistic situations that show {topic} in action: what worked and what did not.',
      opening:
        'Principles make the most sense when they meet real situations. Here are a few cases drawn from practice, showing what {topic} looks like on the ground.',
    },
    {
      title: 'Building a routine',
      summary: 'How to make {topic} part of everyday life through lasting habits.',
      opening:
        'Lasting progress comes from regularity rather than intensity. Turning {topic} into a habit takes a little organisation, but it is well worth the effort.',
    },
    {
      title: 'Measuring progress',
      summary: 'Simple markers to tell whether you are really moving forward with {topic}.',
      opening:
        'How do you know you are improving? Without markers it is easy to lose heart or, on the contrary, to think you have arrived too soon. This chapter offers clear signs to track your progress with {topic}.',
    },
    {
      title: 'Overcoming obstacles',
      summary: 'The difficulties that sooner or later come with {topic}, and how to get past them.',
      opening:
        'There comes a moment when everything feels harder. That is precisely where the difference lies between those who give up and those who keep improving at {topic}.',
    },
    {
      title: 'Working with others',
      summary: 'Sharing, learning together and finding support: the collective side of {topic}.',
      opening:
        'We go further together. Talking with other people interested in {topic} saves time, avoids mistakes and brings fresh motivation.',
    },
    {
      title: 'Myths and realities',
      summary: 'What we think we know about {topic}, set against what experience shows.',
      opening:
        'Some ideas have been around so long that nobody questions them any more. Around {topic}, several of these beliefs deserve a closer look.',
    },
    {
      title: 'The place of creativity',
      summary: 'How imagination and experiment enrich the practice of {topic}.',
      opening:
        'Rules are useful, but they do not say everything. Once the basics are in place, {topic} becomes a field for experiment where creativity has its full place.',
    },
    {
      title: 'Useful resources',
      summary: 'Where to find help, reliable information and inspiration about {topic}.',
      opening:
        'Nobody learns alone. To dig deeper into {topic} there are many resources, and knowing how to pick the reliable ones is already a valuable skill.',
    },
    {
      title: 'Ethics and responsibility',
      summary: 'The questions of responsibility that {topic} raises, and good practices to adopt.',
      opening:
        'Every practice has consequences, for ourselves and for others. Thinking about the ethical side of {topic} helps us act with more care and more peace of mind.',
    },
    {
      title: 'Frequently asked questions',
      summary: 'Clear answers to the questions people ask most often about {topic}.',
      opening:
        'Some questions come back again and again. This chapter gathers the ones most often asked about {topic}, with direct and honest answers.',
    },
    {
      title: 'Going further',
      summary: 'Ways to deepen {topic} once the basics are firmly in place.',
      opening:
        'You now have a solid base. For those who want to go deeper into {topic}, several paths open up, each with its own demands and rewards.',
    },
    {
      title: 'Expert perspectives',
      summary: 'What long practice teaches about {topic}.',
      opening:
        'Experienced practitioners often give the same advice in different words. Listening to them reveals what really matters in {topic}.',
    },
    {
      title: 'Looking ahead',
      summary: 'The trends taking shape and how {topic} might evolve.',
      opening:
        'The world changes fast, and {topic} is no exception. Which changes are taking shape, and how can we prepare without chasing every trend?',
    },
    {
      title: 'Summary and action plan',
      summary: 'The heart of the book in a few strong ideas, and a concrete plan to act on them.',
      opening:
        'We have reached the end of the journey. It is time to gather the essentials of what we have seen about {topic} and turn them into a clear plan of action.',
    },
  ],
};

/** Body sentences; {topic}, {chapter}, {k1}, {k2} are filled in. */
const SENTENCES: Record<WriterLanguage, string[]> = {
  fr: [
    'Prenons le temps de regarder ce que {chapter} change concrètement lorsqu’on s’intéresse à {topic}.',
    'La première étape consiste à observer sa propre situation avec honnêteté, sans chercher à la juger.',
    'Un exemple simple aide souvent davantage qu’une longue théorie : commencez petit, puis ajustez.',
    'Beaucoup de personnes découvrent qu’elles en savaient déjà plus qu’elles ne le pensaient.',
    'Il est utile de noter ses observations au fil des jours ; ces notes deviennent vite une mine d’informations.',
    'Ce qui fonctionne pour l’un ne fonctionne pas forcément pour l’autre, et c’est très bien ainsi.',
    'Retenez surtout ceci : la régularité compte plus que la perfection.',
    'Lorsque les résultats tardent, ce n’est pas un échec, c’est une information précieuse.',
    'Les spécialistes insistent souvent sur l’importance de bien comprendre le « pourquoi » avant le « comment ».',
    'Une bonne question à se poser : qu’est-ce qui serait différent si ce point était réglé ?',
    'À ce stade, mieux vaut privilégier quelques actions bien choisies plutôt qu’une longue liste d’intentions.',
    'L’expérience montre que les petites améliorations, répétées, finissent par produire de grands effets.',
    'Il faut aussi accepter une part d’imprévu : c’est elle qui rend la démarche vivante.',
    'Chaque situation a ses contraintes ; les reconnaître permet de choisir une approche réaliste.',
    'Ne sous-estimez pas la valeur d’une pause : prendre du recul aide souvent à voir la solution.',
    'On gagne beaucoup à partager ses questions avec d’autres personnes qui vivent la même chose.',
    'La curiosité reste le meilleur moteur : posez des questions, testez, observez ce qui se passe.',
    'Des mots comme {k1} ou {k2} reviennent souvent ; prenez le temps de les définir avec vos propres mots.',
    'Un objectif clair, mesurable et limité dans le temps rend chaque étape plus facile à franchir.',
    'Il arrive que la solution la plus simple soit aussi la plus efficace ; méfiez-vous de la complexité inutile.',
    'Gardez une trace de vos réussites, même modestes : elles nourrissent la motivation dans les moments difficiles.',
    'Dans la pratique, l’équilibre entre ambition et patience fait toute la différence.',
    'Posez-vous régulièrement la question : est-ce que ce que je fais m’approche vraiment de mon objectif ?',
    'Ce qui paraît évident aujourd’hui a souvent demandé des années de tâtonnements à ceux qui nous ont précédés.',
    'Il n’existe pas de méthode universelle, mais il existe de bons principes que chacun peut adapter.',
    'Prendre une décision, même imparfaite, vaut souvent mieux que de rester bloqué dans l’hésitation.',
    'Les erreurs font partie du chemin ; l’important est d’en tirer une leçon et de continuer.',
    'Un environnement bien organisé réduit la fatigue et libère de l’énergie pour l’essentiel.',
    'Écoutez les conseils, mais vérifiez-les toujours à la lumière de votre propre expérience.',
    'Au fond, {topic} est avant tout une affaire de compréhension, de pratique et de persévérance.',
    'Chaque progrès, même léger, rend la suite du parcours plus claire et plus agréable.',
    'Les habitudes se construisent lentement, puis elles travaillent pour nous sans effort.',
  ],
  en: [
    'Let us take a moment to see what {chapter} changes in practice when it comes to {topic}.',
    'The first step is to look at your own situation honestly, without judging it.',
    'A simple example often helps more than a long theory: start small, then adjust.',
    'Many people discover that they already knew more than they thought.',
    'It helps to note your observations day after day; those notes soon become a goldmine.',
    'What works for one person does not necessarily work for another, and that is perfectly fine.',
    'Remember this above all: consistency matters more than perfection.',
    'When results are slow to come, that is not failure; it is valuable information.',
    'Specialists often stress the importance of understanding the “why” before the “how”.',
    'A good question to ask yourself: what would be different if this were solved?',
    'At this stage, a few well-chosen actions beat a long list of intentions.',
    'Experience shows that small improvements, repeated, end up producing large effects.',
    'It also pays to accept a share of the unexpected: that is what keeps the process alive.',
    'Every situation has its constraints; recognising them lets you choose a realistic approach.',
    'Do not underestimate the value of a pause: stepping back often reveals the answer.',
    'There is much to gain from sharing your questions with people going through the same thing.',
    'Curiosity remains the best engine: ask questions, test, and watch what happens.',
    'Words such as {k1} or {k2} come up often; take the time to define them in your own words.',
    'A clear, measurable and time-bound goal makes every step easier to take.',
    'Sometimes the simplest solution is also the most effective; beware of needless complexity.',
    'Keep a record of your successes, even small ones: they feed motivation in difficult moments.',
    'In practice, the balance between ambition and patience makes all the difference.',
    'Ask yourself regularly: is what I am doing really bringing me closer to my goal?',
    'What seems obvious today often took years of trial and error for those who came before us.',
    'There is no universal method, but there are sound principles that everyone can adapt.',
    'Making a decision, even an imperfect one, is often better than staying stuck in hesitation.',
    'Mistakes are part of the road; what matters is learning from them and carrying on.',
    'A well-organised environment reduces fatigue and frees energy for what matters.',
    'Listen to advice, but always check it against your own experience.',
    'At heart, {topic} is a matter of understanding, practice and perseverance.',
    'Every step forward, however small, makes the rest of the journey clearer and more pleasant.',
    'Habits are built slowly, and then they work for us without effort.',
  ],
};

const TONE_OPENERS: Record<WriterLanguage, Record<WriterTone, string[]>> = {
  fr: {
    informative: ['En pratique,', 'Concrètement,', 'Précisons un point :'],
    friendly: ['Soyons honnêtes :', 'Entre nous,', 'Bonne nouvelle :'],
    professional: [
      'Sur le plan opérationnel,',
      'D’un point de vue méthodique,',
      'Pour être efficace,',
    ],
    inspiring: ['Imaginez un instant :', 'Osez le croire :', 'Voici ce qui est possible :'],
    humorous: ['Avouons-le :', 'Sans vouloir vexer personne,', 'Spoiler :'],
  },
  en: {
    informative: ['In practice,', 'Concretely,', 'One point to clarify:'],
    friendly: ['Let’s be honest:', 'Between us,', 'Good news:'],
    professional: ['Operationally,', 'From a methodical point of view,', 'To be effective,'],
    inspiring: ['Imagine for a moment:', 'Dare to believe it:', 'Here is what is possible:'],
    humorous: ['Let’s admit it:', 'No offence to anyone, but', 'Spoiler:'],
  },
};

function themesFor(language: WriterLanguage, count: number, seed: number): Theme[] {
  const all = THEMES[language];
  const first = all[0] as Theme;
  const last = all[all.length - 1] as Theme;
  if (count <= 1) return [first];
  const middle = all.slice(1, -1);
  const random = prng(seed);
  const chosen = new Set(
    pick(
      middle.map((_, i) => i),
      Math.min(count - 2, middle.length),
      random,
    ),
  );
  const body = middle.filter((_, i) => chosen.has(i));
  return [first, ...body, last];
}

/**
 * A deterministic outline: the book's title and `chapters` chapter titles with one-sentence
 * summaries built around the subject.
 */
export function offlineOutline(input: EbookWriterInput): Outline {
  const count = Math.max(1, Math.min(20, Math.round(input.chapters)));
  const topic = quote(topicOf(input.subject, input.title), input.language);
  const themes = themesFor(input.language, count, hashOf(input.title, hashOf(input.subject)));
  return {
    title: clip(input.title, 200),
    chapters: themes.map((theme) => ({
      title: theme.title,
      summary: fill(theme.summary, { topic }),
    })),
  };
}

/**
 * One chapter of an offline book: several paragraphs (300–600 words) in the book's language
 * and tone, about the subject, ending on a bridge to the next chapter. The first chapter
 * opens with OFFLINE_WRITER_NOTE on its own line.
 */
export function offlineChapter(input: EbookWriterInput, outline: Outline, index: number): string {
  const language = input.language;
  const chapter = outline.chapters[index];
  if (!chapter) throw new RangeError('No such chapter in the outline');
  const random = prng(hashOf(outline.title, hashOf(chapter.title), index));
  const topic = quote(topicOf(input.subject, input.title), language);
  const theme = THEMES[language].find((t) => t.title === chapter.title);
  const [k1, k2] = keywords(`${input.subject} ${input.title}`, 2);
  const values = {
    topic,
    chapter: quote(chapter.title.toLowerCase(), language),
    k1: k1 ? quote(k1, language) : '',
    k2: k2 ? quote(k2, language) : '',
  };
  const sentences = SENTENCES[language].filter((s) => (k1 && k2) || !s.includes('{k1}'));
  const openers = TONE_OPENERS[language][input.tone] ?? TONE_OPENERS[language].informative;

  const paragraphs: string[] = [];
  if (index === 0) paragraphs.push(OFFLINE_WRITER_NOTE[language]);
  paragraphs.push(
    fill(
      theme?.opening ??
        (language === 'fr'
          ? 'Ce chapitre, « {chapter} », aborde un aspect important de {topic}.'
          : 'This chapter, {chapter}, covers an important side of {topic}.'),
      values,
    ),
  );
  if (input.audience?.trim()) {
    const audience = quote(clip(input.audience, 80), language);
    paragraphs.push(
      language === 'fr'
        ? `Ce livre a été pensé pour un public précis : ${audience}. Les conseils qui suivent tiennent compte de vos contraintes, de votre temps et de vos priorités.`
        : `This book was written with a particular audience in mind: ${audience}. The advice that follows takes your constraints, your time and your priorities into account.`,
    );
  }
  const order = pick(sentences, sentences.length, random);
  let cursor = 0;
  let words = paragraphs.reduce((sum, p) => sum + wordCount(p), 0);
  // Paragraphs of four or five sentences until the chapter is long enough but never too long.
  while (words < 360 && cursor < order.length) {
    const size = 4 + Math.floor(random() * 2);
    const opener = openers[Math.floor(random() * openers.length)] as string;
    const parts = order.slice(cursor, cursor + size).map((s) => fill(s, values));
    cursor += size;
    if (parts.length === 0) break;
    const head = parts[0] as string;
    parts[0] = `${opener} ${head.charAt(0).toLowerCase()}${head.slice(1)}`;
    const paragraph = parts.join(' ');
    if (words + wordCount(paragraph) > 560) break;
    paragraphs.push(paragraph);
    words += wordCount(paragraph);
  }
  const next = outline.chapters[index + 1];
  paragraphs.push(
    next
      ? language === 'fr'
        ? `Pour résumer ce chapitre : ${chapter.summary.charAt(0).toLowerCase()}${chapter.summary.slice(1)} Dans le chapitre suivant, ${quote(next.title, language)}, nous poursuivrons ce chemin avec un nouvel éclairage.`
        : `To sum up this chapter: ${chapter.summary.charAt(0).toLowerCase()}${chapter.summary.slice(1)} In the next chapter, ${quote(next.title, language)}, we will continue along this path from a new angle.`
      : language === 'fr'
        ? `Vous avez maintenant toutes les cartes en main pour avancer avec ${topic}. Choisissez une première action, fixez-vous une date, et commencez dès aujourd’hui : c’est en pratiquant que tout ce livre prendra son sens.`
        : `You now hold all the cards you need to move forward with ${topic}. Choose a first action, set yourself a date, and start today: it is through practice that this whole book will make sense.`,
  );
  return paragraphs.join('\n\n');
}

// ---------------------------------------------------------------------------------------
// Offline short video script

const SHORT_LINES: Record<
  WriterLanguage,
  { role: 'hook' | 'point' | 'close'; short: string; extra: string; visual: string }[]
> = {
  fr: [
    {
      role: 'hook',
      short: 'Vous pensez tout savoir sur {topic} ?',
      extra: 'Regardez bien la suite.',
      visual: 'a bold striking opening shot that represents {topic}, dramatic light',
    },
    {
      role: 'point',
      short: 'Commencez simplement.',
      extra: 'Un petit pas aujourd’hui vaut mieux qu’un grand projet jamais lancé.',
      visual: 'a person taking a first small step, morning light, hopeful mood',
    },
    {
      role: 'point',
      short: 'Misez sur la régularité.',
      extra: 'Quelques minutes chaque jour changent tout sur la durée.',
      visual: 'a calendar with checked days and a steaming cup of coffee, cosy desk',
    },
    {
      role: 'point',
      short: 'Apprenez de vos erreurs.',
      extra: 'Chaque raté vous rapproche du bon geste.',
      visual: 'crumpled paper drafts around one finished clean page, warm tones',
    },
    {
      role: 'point',
      short: 'Entourez-vous des bonnes personnes.',
      extra: 'Partager ses progrès multiplie la motivation.',
      visual: 'a small group of friends laughing together around a table',
    },
    {
      role: 'point',
      short: 'Mesurez vos progrès.',
      extra: 'Ce qui se mesure s’améliore, c’est aussi simple que ça.',
      visual: 'a rising line chart drawn on a notebook, bright colours',
    },
    {
      role: 'point',
      short: 'Restez curieux.',
      extra: 'Testez, observez, ajustez : c’est ainsi qu’on devient bon.',
      visual: 'a magnifying glass over colourful details, playful composition',
    },
    {
      role: 'close',
      short: 'Alors, prêt à vous lancer ?',
      extra: 'Abonnez-vous pour la suite !',
      visual: 'an inspiring wide shot of a sunrise over an open road',
    },
  ],
  en: [
    {
      role: 'hook',
      short: 'Think you know everything about {topic}?',
      extra: 'Watch what comes next.',
      visual: 'a bold striking opening shot that represents {topic}, dramatic light',
    },
    {
      role: 'point',
      short: 'Start simple.',
      extra: 'A small step today beats a big plan that never starts.',
      visual: 'a person taking a first small step, morning light, hopeful mood',
    },
    {
      role: 'point',
      short: 'Bet on consistency.',
      extra: 'A few minutes every day changes everything over time.',
      visual: 'a calendar with checked days and a steaming cup of coffee, cosy desk',
    },
    {
      role: 'point',
      short: 'Learn from your mistakes.',
      extra: 'Every miss brings you closer to getting it right.',
      visual: 'crumpled paper drafts around one finished clean page, warm tones',
    },
    {
      role: 'point',
      short: 'Surround yourself with the right people.',
      extra: 'Sharing progress multiplies motivation.',
      visual: 'a small group of friends laughing together around a table',
    },
    {
      role: 'point',
      short: 'Measure your progress.',
      extra: 'What gets measured gets better; it is that simple.',
      visual: 'a rising line chart drawn on a notebook, bright colours',
    },
    {
      role: 'point',
      short: 'Stay curious.',
      extra: 'Test, watch, adjust: that is how you get good.',
      visual: 'a magnifying glass over colourful details, playful composition',
    },
    {
      role: 'close',
      short: 'So, ready to start?',
      extra: 'Follow for more!',
      visual: 'an inspiring wide shot of a sunrise over an open road',
    },
  ],
};

/**
 * A deterministic short-video script: a hook, points, and a closing call, with one
 * voice-over line per scene sized to the duration (about 2.5 spoken words per second).
 */
export function offlineShortScript(input: ShortScriptInput): ShortScript {
  const count = Math.max(1, Math.min(8, Math.round(input.scenes)));
  const language = input.language;
  const topicText = clip(flat(input.topic), 60);
  const topic = quote(topicText, language);
  const lines = SHORT_LINES[language];
  const hook = lines[0] as (typeof lines)[number];
  const close = lines[lines.length - 1] as (typeof lines)[number];
  const points = lines.slice(1, -1);
  const random = prng(hashOf(input.topic, count));
  // Points keep their natural order (start simple before measuring progress).
  const picked = new Set(count >= 3 ? pick(points, count - 2, random) : []);
  const middle = points.filter((point) => picked.has(point));
  const chosen = count === 1 ? [hook] : count === 2 ? [hook, close] : [hook, ...middle, close];
  const wordsPerScene = (input.durationSeconds * 2.5) / count;
  return {
    title: clip(
      `${topicText.charAt(0).toUpperCase()}${topicText.slice(1)}${language === 'fr' ? ' : l’essentiel' : ': the essentials'}`,
      120,
    ),
    scenes: chosen.map((line) => {
      const short = fill(line.short, { topic });
      const text =
        wordCount(short) + wordCount(line.extra) <= wordsPerScene * 1.2
          ? `${short} ${line.extra}`
          : short;
      return { text, visual: `${fill(line.visual, { topic: topicText })}, about ${topicText}` };
    }),
  };
}

// ---------------------------------------------------------------------------------------
// Offline ad copy

const AD_TEMPLATES: Record<
  WriterLanguage,
  Record<AdCopyInput['adType'], { headline: string; body: string; cta: string }[]>
> = {
  fr: {
    showcase: [
      {
        headline: '{product} : la qualité se voit',
        body: 'Conçu avec soin, {product} répond exactement à vos besoins. {brief}',
        cta: 'Découvrir maintenant',
      },
      {
        headline: 'Découvrez {product}',
        body: 'Des finitions soignées, une utilisation simple et un résultat qui dure. {brief}',
        cta: 'Voir le produit',
      },
      {
        headline: '{product}, pensé pour durer',
        body: 'Chaque détail a été étudié pour vous simplifier la vie. {brief}',
        cta: 'Commander',
      },
      {
        headline: 'Le choix malin : {product}',
        body: 'Performant, fiable et élégant : tout ce que vous attendez, sans compromis. {brief}',
        cta: 'J’en profite',
      },
    ],
    lifestyle: [
      {
        headline: 'Vos moments préférés, avec {product}',
        body: 'Imaginez vos journées un peu plus légères. {brief}',
        cta: 'Essayez-le',
      },
      {
        headline: 'La vie est plus douce avec {product}',
        body: 'Un petit plaisir du quotidien qui change tout. {brief}',
        cta: 'Je me fais plaisir',
      },
      {
        headline: 'Faites de chaque jour une fête',
        body: 'Avec {product}, profitez pleinement de ce qui compte vraiment. {brief}',
        cta: 'Découvrir',
      },
      {
        headline: '{product}, votre nouvel allié',
        body: 'Au travail, à la maison ou en vacances, il vous accompagne partout. {brief}',
        cta: 'Adopter {product}',
      },
    ],
  },
  en: {
    showcase: [
      {
        headline: '{product}: quality you can see',
        body: 'Carefully designed, {product} fits exactly what you need. {brief}',
        cta: 'Discover now',
      },
      {
        headline: 'Meet {product}',
        body: 'Fine finishes, easy to use and built to last. {brief}',
        cta: 'See the product',
      },
      {
        headline: '{product}, made to last',
        body: 'Every detail was designed to make your life easier. {brief}',
        cta: 'Order now',
      },
      {
        headline: 'The smart choice: {product}',
        body: 'Powerful, reliable and elegant: everything you expect, no compromise. {brief}',
        cta: 'Get yours',
      },
    ],
    lifestyle: [
      {
        headline: 'Your favourite moments, with {product}',
        body: 'Imagine your days a little lighter. {brief}',
        cta: 'Try it',
      },
      {
        headline: 'Life feels better with {product}',
        body: 'A small everyday pleasure that changes everything. {brief}',
        cta: 'Treat yourself',
      },
      {
        headline: 'Make every day special',
        body: 'With {product}, enjoy what really matters. {brief}',
        cta: 'Discover',
      },
      {
        headline: '{product}, your new companion',
        body: 'At work, at home or on holiday, it goes everywhere with you. {brief}',
        cta: 'Get {product}',
      },
    ],
  },
};

/** Deterministic ad copy: `variants` distinct headline/body/call-to-action sets. */
export function offlineAdCopy(input: AdCopyInput): AdVariant[] {
  const count = Math.max(1, Math.min(4, Math.round(input.variants)));
  const language = input.language;
  const product =
    clip(input.productName ?? '', 60) || (language === 'fr' ? 'notre produit' : 'our product');
  const briefSentence = clip(flat(input.brief).split(/(?<=[.!?])\s/u)[0] ?? '', 140);
  const brief = briefSentence ? `${briefSentence.replace(/[.!?…]*$/u, '')}.` : '';
  const templates = pick(
    AD_TEMPLATES[language][input.adType],
    count,
    prng(hashOf(input.brief, hashOf(product))),
  );
  const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  return templates.map((t) => ({
    headline: capital(fill(t.headline, { product })),
    body: flat(fill(t.body, { product, brief })),
    cta: fill(t.cta, { product }),
  }));
}

// ---------------------------------------------------------------------------------------
// Prompts for real chat models

const TONE_WORDS: Record<WriterTone, string> = {
  informative: 'clear and informative',
  friendly: 'warm and friendly',
  professional: 'professional and precise',
  inspiring: 'inspiring and encouraging',
  humorous: 'light and humorous, without mocking the reader',
};

function bookContext(input: EbookWriterInput): string {
  return [
    `Book title: ${flat(input.title)}`,
    `Subject: ${input.subject.trim()}`,
    `Tone: ${TONE_WORDS[input.tone] ?? input.tone}`,
    `Language: ${LANGUAGE_NAME[input.language]}`,
    input.audience?.trim() ? `Audience: ${flat(input.audience)}` : null,
  ]
    .filter(Boolean)
    .join('\n');
}

/** Messages asking a chat model for a book outline as strict JSON. */
export function outlinePrompt(input: EbookWriterInput): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        'You are an experienced non-fiction book editor. You answer with one JSON object and nothing else: no prose, no Markdown.',
    },
    {
      role: 'user',
      content: `${bookContext(input)}

Plan this book in exactly ${input.chapters} chapters, in ${LANGUAGE_NAME[input.language]}.
Answer with this JSON shape only:
{"title": "<the book title, improved if useful>", "chapters": [{"title": "<short chapter title, no number>", "summary": "<one or two sentences: what the chapter covers>"}]}
The "chapters" array must have exactly ${input.chapters} items, in reading order, without repeating ideas.`,
    },
  ];
}

/**
 * Messages asking a chat model for one chapter as plain text. `previousSummary` (what the
 * previous chapter said) keeps chapters from repeating each other.
 */
export function chapterPrompt(
  input: EbookWriterInput,
  outline: Outline,
  index: number,
  previousSummary?: string,
): ChatMessage[] {
  const chapter = outline.chapters[index];
  if (!chapter) throw new RangeError('No such chapter in the outline');
  const plan = outline.chapters
    .map((c, i) => `${i + 1}. ${c.title}: ${c.summary}${i === index ? '  <- this chapter' : ''}`)
    .join('\n');
  return [
    {
      role: 'system',
      content: `You are the author of a non-fiction book written in ${LANGUAGE_NAME[input.language]}. You write engaging, accurate, well-structured prose.`,
    },
    {
      role: 'user',
      content: `${bookContext({ ...input, title: outline.title })}

Outline:
${plan}
${previousSummary?.trim() ? `\nThe previous chapter covered: ${flat(previousSummary)}\n` : ''}
Write chapter ${index + 1}, "${chapter.title}", in ${LANGUAGE_NAME[input.language]}: 700 to 1000 words.
Plain paragraphs separated by a blank line; you may use a few "## " subheadings. Do not repeat the chapter title at the top, do not number the chapter, no other Markdown, no lists of more than five items, no closing remarks addressed to me.`,
    },
  ];
}

/** Messages asking a chat model for a short-video script as strict JSON. */
export function shortScriptPrompt(input: ShortScriptInput): ChatMessage[] {
  const words = Math.round(input.durationSeconds * 2.5);
  return [
    {
      role: 'system',
      content:
        'You write scripts for short vertical videos (Reels, Shorts, TikTok). You answer with one JSON object and nothing else.',
    },
    {
      role: 'user',
      content: `Topic: ${input.topic.trim()}
Language of the voice-over: ${LANGUAGE_NAME[input.language]}
Length: ${input.durationSeconds} seconds, about ${words} spoken words in total.

Write exactly ${input.scenes} scenes: a hook first, a call to action last.
Answer with this JSON shape only:
{"title": "<short title>", "scenes": [{"text": "<voice-over line in ${LANGUAGE_NAME[input.language]}>", "visual": "<an English image-generation prompt describing the scene's picture, no text in the image>"}]}
The "scenes" array must have exactly ${input.scenes} items.`,
    },
  ];
}

/** Messages asking a chat model for ad copy variants as strict JSON. */
export function adCopyPrompt(input: AdCopyInput): ChatMessage[] {
  const style =
    input.adType === 'showcase'
      ? 'a product showcase: features, quality, what makes it stand out'
      : 'a lifestyle ad: the moments and feelings the product brings to everyday life';
  return [
    {
      role: 'system',
      content:
        'You are a senior advertising copywriter. You write honest copy (no invented claims, prices or awards). You answer with one JSON object and nothing else.',
    },
    {
      role: 'user',
      content: `${input.productName?.trim() ? `Product: ${flat(input.productName)}\n` : ''}Brief: ${input.brief.trim()}
Ad type: ${style}
Language: ${LANGUAGE_NAME[input.language]}

Write exactly ${input.variants} distinct variants in ${LANGUAGE_NAME[input.language]}.
Answer with this JSON shape only:
{"variants": [{"headline": "<at most 8 words>", "body": "<one or two sentences>", "cta": "<call to action, at most 4 words>"}]}`,
    },
  ];
}

// ---------------------------------------------------------------------------------------
// Parsers for real models' answers

/** The parsed value of the first JSON object or array found in `text` (fenced or inline). */
export function extractJson(text: string): unknown {
  const candidates: string[] = [];
  for (const match of text.matchAll(/```(?:json|JSON)?\s*\n?([\s\S]*?)```/g)) {
    if (match[1]) candidates.push(match[1]);
  }
  for (const candidate of candidates) {
    try {
      return JSON.parse(candidate.trim());
    } catch {
      // fall through to the scan below
    }
  }
  // Scan for balanced {...} or [...] blocks, honouring strings, and try each in turn.
  for (let start = 0; start < text.length; start++) {
    const open = text[start];
    if (open !== '{' && open !== '[') continue;
    const end = balancedEnd(text, start);
    if (end < 0) continue;
    try {
      return JSON.parse(text.slice(start, end + 1));
    } catch {
      // keep scanning
    }
  }
  return undefined;
}

function balancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') stack.push('}');
    else if (ch === '[') stack.push(']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function str(value: unknown, max: number): string {
  return typeof value === 'string' ? clip(value, max) : '';
}

/** The array under the first of `keys` that holds one, or the value itself when it is one. */
function listOf(value: unknown, keys: string[]): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  const object = record(value);
  if (!object) return undefined;
  for (const key of keys) {
    const inner = object[key];
    if (Array.isArray(inner)) return inner;
    const nested = listOf(inner, keys);
    if (nested) return nested;
  }
  return undefined;
}

function unusable(what: string): ProviderError {
  return new ProviderError(
    'bad_request',
    `The model did not return a usable ${what}; try again or pick another model.`,
  );
}

/**
 * The outline in a model's answer. Accepts JSON inside prose or code fences, an outer
 * wrapper object, or a bare array of chapters (objects or strings); keeps the first
 * `chapters` chapters. Throws a ProviderError('bad_request') when fewer are usable.
 */
export function parseOutline(text: string, chapters: number): Outline {
  const value = extractJson(text);
  const items = listOf(value, ['chapters', 'outline', 'book', 'chapitres']);
  if (!items) throw unusable('outline');
  const parsed = items
    .map((item) => {
      if (typeof item === 'string') return { title: clip(item, 200), summary: '' };
      const object = record(item);
      return {
        title: str(object?.title ?? object?.titre ?? object?.name, 200),
        summary: str(
          object?.summary ?? object?.résumé ?? object?.resume ?? object?.description,
          1000,
        ),
      };
    })
    .filter((chapter) => chapter.title.length > 0);
  if (parsed.length < chapters) throw unusable('outline');
  const object = record(value);
  const title = str(object?.title ?? record(object?.book)?.title, 200);
  return { title, chapters: parsed.slice(0, chapters) };
}

/**
 * The script in a model's answer: at least `scenes` scenes with a voice-over line (the
 * visual falls back to the line); keeps the first `scenes`. Throws when fewer are usable.
 */
export function parseShortScript(text: string, scenes: number): ShortScript {
  const value = extractJson(text);
  const items = listOf(value, ['scenes', 'script', 'shots']);
  if (!items) throw unusable('script');
  const parsed = items
    .map((item) => {
      const object = record(item);
      const line =
        typeof item === 'string'
          ? item
          : (object?.text ?? object?.voiceover ?? object?.narration ?? object?.line);
      const spoken = str(line, 600);
      return {
        text: spoken,
        visual: str(object?.visual ?? object?.image ?? object?.prompt, 600) || spoken,
      };
    })
    .filter((scene) => scene.text.length > 0);
  if (parsed.length < scenes) throw unusable('script');
  return { title: str(record(value)?.title, 120), scenes: parsed.slice(0, scenes) };
}

/**
 * The ad variants in a model's answer (each needs a headline and a body; a missing call to
 * action is left empty); keeps at most `variants`. Throws when none is usable.
 */
export function parseAdCopy(text: string, variants: number): AdVariant[] {
  const value = extractJson(text);
  const items =
    listOf(value, ['variants', 'ads', 'variations']) ?? (record(value) ? [value] : undefined);
  if (!items) throw unusable('ad copy');
  const parsed = items
    .map((item) => {
      const object = record(item);
      return {
        headline: str(object?.headline ?? object?.title, 200),
        body: str(object?.body ?? object?.text ?? object?.description, 1000),
        cta: str(object?.cta ?? object?.callToAction ?? object?.call_to_action, 80),
      };
    })
    .filter((variant) => variant.headline && variant.body);
  if (parsed.length === 0) throw unusable('ad copy');
  return parsed.slice(0, variants);
}

/**
 * A model's chapter made ready for typesetting: code fences removed, a leading line that
 * repeats the chapter title (or "Chapter 3") dropped, blank-line paragraphs kept.
 */
export function cleanChapter(text: string, title: string): string {
  let body = text
    .replace(/```[a-z]*\n?/gi, '')
    .replace(/\r\n?/g, '\n')
    .trim();
  const lines = body.split('\n');
  const first = (lines[0] ?? '').replace(/^[#*\s]+|[#*\s]+$/g, '').toLowerCase();
  const plainTitle = title.toLowerCase().trim();
  if (first && (first.includes(plainTitle) || /^(chapter|chapitre)\s+\d+/.test(first))) {
    body = lines.slice(1).join('\n').trim();
  }
  return body.replace(/\n{3,}/g, '\n\n');
}
