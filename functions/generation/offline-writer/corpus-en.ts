/** The English words of the offline writer: every sentence it can write in English. */
import type { WriterCorpus } from './types';

export const EN: WriterCorpus = {
  note: 'Note: this text was written by WeBox’s offline model; no AI provider was called.',
  stopWords:
    `the and for with that this from your about into their there which what when where while have will would could should them they these those some more most other than then also just like over such very only each make made`
      .split(/\s+/)
      .filter(Boolean),
  themes: [
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
  fallbackOpening: 'This chapter, {chapter}, covers an important side of {topic}.',
  audience: (audience) =>
    `This book was written with a particular audience in mind: ${audience}. The advice that follows takes your constraints, your time and your priorities into account.`,
  sentences: [
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
  toneOpeners: {
    informative: ['In practice,', 'Concretely,', 'One point to clarify:'],
    friendly: ['Let’s be honest:', 'Between us,', 'Good news:'],
    professional: ['Operationally,', 'From a methodical point of view,', 'To be effective,'],
    inspiring: ['Imagine for a moment:', 'Dare to believe it:', 'Here is what is possible:'],
    humorous: ['Let’s admit it:', 'No offence to anyone, but', 'Spoiler:'],
  },
  bridge: (summary, next) =>
    `To sum up this chapter: ${summary} In the next chapter, ${next}, we will continue along this path from a new angle.`,
  closing: (topic) =>
    `You now hold all the cards you need to move forward with ${topic}. Choose a first action, set yourself a date, and start today: it is through practice that this whole book will make sense.`,
  shortLines: [
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
  shortTitleSuffix: ': the essentials',
  defaultProduct: 'our product',
  adTemplates: {
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
