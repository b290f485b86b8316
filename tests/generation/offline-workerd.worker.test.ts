import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { buildEpub, loadBookFonts, typesetEbook } from '../../functions/generation/ebook';
import { decodePng, thumbnailPng } from '../../functions/generation/encoders/png';
import { offlineChapter, offlineOutline } from '../../functions/generation/offline-writer';
import {
  offlineImage,
  offlineMusic,
  offlineSpeech,
  offlineVideo,
} from '../../functions/generation/providers/offline';

/**
 * The offline media and eBook builders inside workerd itself: no Node APIs, no WebAssembly
 * compiled at run time, fontkit loaded through a dynamic import, fonts read through ASSETS.
 */
const config = { apiKey: null, timeoutMs: 1000 };
const signal = new AbortController().signal;

describe('offline generation in workerd', () => {
  it('draws images, GIF videos and WAV audio', async () => {
    const { images } = await offlineImage.generateImages(
      {
        prompt: 'a forest at dawn',
        model: 'offline',
        size: '1536x1024',
        quality: 'standard',
        style: 'natural',
        n: 1,
        signal,
      },
      config,
    );
    const png = images[0]?.bytes as Uint8Array;
    expect(decodePng(png)).toMatchObject({ width: 768, height: 512 });
    expect(decodePng(thumbnailPng(png, 64) as Uint8Array).width).toBe(64);

    const video = await offlineVideo.startVideo(
      {
        prompt: 'a forest at dawn',
        model: 'offline',
        durationSeconds: 4,
        resolution: '720p',
        aspectRatio: '1:1',
        signal,
      },
      config,
    );
    if (video.kind !== 'done') throw new Error('expected a finished video');
    expect(new TextDecoder().decode(video.file.bytes.subarray(0, 6))).toBe('GIF89a');

    const speech = await offlineSpeech.speak(
      {
        text: 'Bonjour !',
        model: 'offline',
        voice: 'nova',
        language: 'fr-FR',
        format: 'opus',
        signal,
      },
      config,
    );
    expect(new TextDecoder().decode(speech.audio.bytes.subarray(8, 12))).toBe('WAVE');
    const music = await offlineMusic.compose(
      { prompt: 'lofi', kind: 'music', durationSeconds: 3, signal },
      config,
    );
    expect(music.audio.durationMs).toBe(3000);
  });

  it('typesets a PDF with the DejaVu fonts from ASSETS, and an EPUB', async () => {
    const input = {
      title: 'Le thé',
      subject: 'La culture du thé vert.',
      chapters: 3,
      tone: 'informative' as const,
      language: 'fr' as const,
    };
    const outline = offlineOutline(input);
    const book = {
      title: outline.title,
      author: 'WeBox',
      language: 'fr' as const,
      offline: true,
      chapters: outline.chapters.map((c, i) => ({
        title: c.title,
        text: offlineChapter(input, outline, i),
      })),
    };
    const fonts = await loadBookFonts(env.ASSETS);
    expect(fonts, 'site/dist/fonts is missing: run `npm run build`').toBeDefined();
    const withFonts = await typesetEbook(book, { fonts });
    const plain = await typesetEbook(book);
    expect(withFonts.pages).toBeGreaterThanOrEqual(6);
    expect(plain.pages).toBeGreaterThanOrEqual(6);
    expect(new TextDecoder().decode(withFonts.pdf.subarray(0, 5))).toBe('%PDF-');
    const epub = buildEpub(book);
    expect(new TextDecoder().decode(epub.subarray(30, 38))).toBe('mimetype');
  });
});
