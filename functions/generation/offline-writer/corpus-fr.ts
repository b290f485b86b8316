/** The French words of the offline writer: every sentence it can write in French. */
import type { WriterCorpus } from './types';

export const FR: WriterCorpus = {
  note: 'Note : ce texte a été rédigé par le modèle hors ligne de WeBox ; aucun fournisseur d’IA n’a été appelé.',
  stopWords:
    `les des une pour avec dans sur par que qui quoi est sont être avoir plus moins comme mais ou donc car leur leurs nous vous ils elles cette ces son ses aux du au pas tout tous toute toutes faire fait sans entre très aussi bien même`
      .split(/\s+/)
      .filter(Boolean),
  themes: [
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
  fallbackOpening: 'Ce chapitre, « {chapter} », aborde un aspect important de {topic}.',
  audience: (audience) =>
    `Ce livre a été pensé pour un public précis : ${audience}. Les conseils qui suivent tiennent compte de vos contraintes, de votre temps et de vos priorités.`,
  sentences: [
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
  toneOpeners: {
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
  bridge: (summary, next) =>
    `Pour résumer ce chapitre : ${summary} Dans le chapitre suivant, ${next}, nous poursuivrons ce chemin avec un nouvel éclairage.`,
  closing: (topic) =>
    `Vous avez maintenant toutes les cartes en main pour avancer avec ${topic}. Choisissez une première action, fixez-vous une date, et commencez dès aujourd’hui : c’est en pratiquant que tout ce livre prendra son sens.`,
  shortLines: [
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
  shortTitleSuffix: ' : l’essentiel',
  defaultProduct: 'notre produit',
  adTemplates: {
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
};
