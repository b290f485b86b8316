import { describe, expect, it } from 'vitest';
import {
  adCopyPrompt,
  chapterPrompt,
  cleanChapter,
  type EbookWriterInput,
  OFFLINE_WRITER_NOTE,
  offlineAdCopy,
  offlineChapter,
  offlineOutline,
  offlineShortScript,
  outlinePrompt,
  parseAdCopy,
  parseOutline,
  parseShortScript,
  shortScriptPrompt,
} from '../../functions/generation/offline-writer';
import { ProviderError } from '../../functions/models/providers/types';

const french: EbookWriterInput = {
  title: 'Le pain maison',
  subject: 'Faire son pain au levain à la maison, de la farine à la cuisson.',
  chapters: 6,
  tone: 'inspiring',
  language: 'fr',
  audience: 'boulangers amateurs',
};
const english: EbookWriterInput = {
  ...french,
  title: 'Home baking',
  subject: 'Sourdough bread at home.',
  language: 'en',
  tone: 'humorous',
};

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

describe('offline eBook writer', () => {
  it('plans exactly the requested number of distinct chapters', () => {
    for (const chapters of [1, 2, 6, 20]) {
      const outline = offlineOutline({ ...french, chapters });
      expect(outline.chapters).toHaveLength(chapters);
      expect(new Set(outline.chapters.map((c) => c.title)).size).toBe(chapters);
      expect(outline.title).toBe('Le pain maison');
      for (const chapter of outline.chapters) expect(chapter.summary.length).toBeGreaterThan(20);
    }
    expect(offlineOutline(french)).toEqual(offlineOutline(french));
    const outline = offlineOutline({ ...french, chapters: 20 });
    expect(outline.chapters[0]?.title).toBe('Pourquoi ce sujet compte');
    expect(outline.chapters[19]?.title).toBe('Synthèse et plan d’action');
  });

  it('writes French chapters with accents, about the subject, of book length', () => {
    const outline = offlineOutline(french);
    outline.chapters.forEach((_, i) => {
      const text = offlineChapter(french, outline, i);
      expect(words(text)).toBeGreaterThanOrEqual(300);
      expect(words(text)).toBeLessThanOrEqual(600);
      expect(text).toMatch(/[éèàçê]/);
      expect(text.toLowerCase()).toContain('faire son pain au levain à la maison');
      expect(text.split('\n\n').length).toBeGreaterThanOrEqual(4);
      if (i === 0) expect(text.split('\n')[0]).toBe(OFFLINE_WRITER_NOTE.fr);
      else expect(text).not.toContain(OFFLINE_WRITER_NOTE.fr);
      const next = outline.chapters[i + 1];
      if (next) expect(text).toContain(next.title);
      expect(text).not.toMatch(/\{\w+\}/);
    });
    expect(offlineChapter(french, outline, 1)).not.toBe(offlineChapter(french, outline, 2));
    expect(() => offlineChapter(french, outline, 99)).toThrow(RangeError);
  });

  it('writes English when asked, with the English note', () => {
    const outline = offlineOutline(english);
    const first = offlineChapter(english, outline, 0);
    expect(first.startsWith(OFFLINE_WRITER_NOTE.en)).toBe(true);
    expect(first).not.toMatch(/ chapitre | vous /);
    expect(first).toContain('“boulangers amateurs”');
  });
});

describe('offline short scripts and ads', () => {
  it('writes one line and one visual per scene, longer for longer videos', () => {
    const short = offlineShortScript({
      topic: 'le café parfait',
      scenes: 5,
      durationSeconds: 15,
      language: 'fr',
    });
    const long = offlineShortScript({
      topic: 'le café parfait',
      scenes: 5,
      durationSeconds: 60,
      language: 'fr',
    });
    expect(short.scenes).toHaveLength(5);
    expect(short.title).toMatch(/^Le café parfait/);
    for (const scene of long.scenes) {
      expect(scene.text.length).toBeGreaterThan(5);
      expect(scene.visual).toContain('le café parfait');
    }
    expect(words(long.scenes.map((s) => s.text).join(' '))).toBeGreaterThan(
      words(short.scenes.map((s) => s.text).join(' ')),
    );
    expect(
      offlineShortScript({ topic: 'x', scenes: 8, durationSeconds: 30, language: 'en' }).scenes,
    ).toHaveLength(8);
  });

  it('gives distinct ad variants that name the product', () => {
    const ads = offlineAdCopy({
      brief: 'Une gourde isotherme. Garde le froid 24 h.',
      productName: 'AquaFroid',
      adType: 'showcase',
      language: 'fr',
      variants: 4,
    });
    expect(ads).toHaveLength(4);
    expect(new Set(ads.map((a) => a.headline)).size).toBe(4);
    for (const ad of ads) {
      expect(`${ad.headline} ${ad.body}`).toContain('AquaFroid');
      expect(ad.body).toContain('Une gourde isotherme.');
      expect(ad.cta.length).toBeGreaterThan(2);
    }
    const unnamed = offlineAdCopy({
      brief: 'A water bottle',
      adType: 'lifestyle',
      language: 'en',
      variants: 2,
    });
    expect(unnamed).toHaveLength(2);
    expect(unnamed.map((a) => a.headline + a.body).join(' ')).toContain('our product');
  });
});

describe('prompts for real models', () => {
  it('ask for strict JSON with the exact counts and the language', () => {
    const outline = outlinePrompt(french);
    expect(outline[0]?.role).toBe('system');
    const user = String(outline[1]?.content);
    expect(user).toContain('exactly 6 chapters');
    expect(user).toContain('"chapters"');
    expect(user).toContain('French');
    expect(user).toContain('boulangers amateurs');
    const script = String(
      shortScriptPrompt({ topic: 'café', scenes: 4, durationSeconds: 30, language: 'en' })[1]
        ?.content,
    );
    expect(script).toContain('exactly 4 scenes');
    expect(script).toContain('75 spoken words');
    const ads = String(
      adCopyPrompt({
        brief: 'gourde',
        productName: 'AquaFroid',
        adType: 'lifestyle',
        language: 'fr',
        variants: 3,
      })[1]?.content,
    );
    expect(ads).toContain('exactly 3 distinct variants');
    expect(ads).toContain('AquaFroid');
  });

  it('asks for one chapter with the outline and the previous summary', () => {
    const outline = offlineOutline(french);
    const messages = chapterPrompt(french, outline, 2, 'On a parlé de farine.');
    const user = String(messages[1]?.content);
    expect(user).toContain(`Write chapter 3, "${outline.chapters[2]?.title}"`);
    expect(user).toContain('<- this chapter');
    expect(user).toContain('On a parlé de farine.');
    expect(String(messages[0]?.content)).toContain('French');
    expect(() => chapterPrompt(french, outline, 6)).toThrow(RangeError);
  });
});

describe('parsers', () => {
  const outlineJson = JSON.stringify({
    title: 'Le pain',
    chapters: [
      { title: 'La farine', summary: 'Choisir sa farine.' },
      { title: 'Le levain', summary: 'Le nourrir.' },
      { title: 'La cuisson', summary: 'Four et vapeur.' },
    ],
  });

  it('finds the outline in prose, in code fences, or as a bare array', () => {
    expect(
      parseOutline(`Voici le plan :\n${outlineJson}\nBonne lecture {!}`, 3).chapters[1],
    ).toEqual({ title: 'Le levain', summary: 'Le nourrir.' });
    expect(parseOutline(`\`\`\`json\n${outlineJson}\n\`\`\``, 2).chapters).toHaveLength(2);
    const bare = parseOutline('["Un", "Deux", {"titre": "Trois", "résumé": "Le troisième."}]', 3);
    expect(bare.chapters.map((c) => c.title)).toEqual(['Un', 'Deux', 'Trois']);
    expect(bare.chapters[2]?.summary).toBe('Le troisième.');
    expect(parseOutline(`{"book": ${outlineJson}}`, 3).title).toBe('Le pain');
  });

  it('rejects garbage and outlines that are too short', () => {
    for (const garbage of [
      'I cannot help with that.',
      '{"chapters": "none"}',
      '{broken json',
      '',
    ]) {
      expect(() => parseOutline(garbage, 3)).toThrow(ProviderError);
    }
    try {
      parseOutline(outlineJson, 5);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).kind).toBe('bad_request');
      expect((error as ProviderError).message).toMatch(/The model did not return a usable outline/);
    }
  });

  it('parses scripts and ad copy, and rejects unusable ones', () => {
    const script = parseShortScript(
      'Sure! ```\n{"title":"Café","scenes":[{"text":"Un","visual":"cup"},{"narration":"Deux"},{"text":"Trois","visual":"beans"}]}\n```',
      3,
    );
    expect(script.title).toBe('Café');
    expect(script.scenes[1]).toEqual({ text: 'Deux', visual: 'Deux' });
    expect(() => parseShortScript('{"scenes": [{"text": "one"}]}', 3)).toThrow(/usable script/);
    expect(() => parseShortScript('no json here', 3)).toThrow(ProviderError);

    const ads = parseAdCopy(
      '[{"headline":"A","body":"B","cta":"C"},{"headline":"D","body":"E"},{"headline":"","body":"x"}]',
      4,
    );
    expect(ads).toEqual([
      { headline: 'A', body: 'B', cta: 'C' },
      { headline: 'D', body: 'E', cta: '' },
    ]);
    expect(
      parseAdCopy(
        '{"variants":[{"headline":"A","body":"B","cta":"C"},{"headline":"D","body":"E","cta":"F"}]}',
        1,
      ),
    ).toHaveLength(1);
    expect(parseAdCopy('Here: {"headline":"Solo","body":"Only one","cta":"Go"}', 3)).toHaveLength(
      1,
    );
    expect(() => parseAdCopy('{"variants": []}', 2)).toThrow(/usable ad copy/);
  });

  it('cleans a chapter that repeats its title', () => {
    expect(cleanChapter('## La farine\n\nPremier paragraphe.\n\n\n\nSecond.', 'La farine')).toBe(
      'Premier paragraphe.\n\nSecond.',
    );
    expect(cleanChapter('Chapitre 2 : La farine\nTexte.', 'Autre')).toBe('Texte.');
    expect(cleanChapter('Texte seul.', 'La farine')).toBe('Texte seul.');
  });
});
