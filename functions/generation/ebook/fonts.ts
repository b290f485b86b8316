/** Where eBook fonts come from: the site's static assets, read through the ASSETS binding. */
import type { BookFonts } from './book';

/**
 * The book fonts (DejaVu Serif, regular and bold) from the site's static assets, or
 * undefined when the ASSETS binding or the files are missing (books then use Times).
 */
export async function loadBookFonts(assets: Fetcher | undefined): Promise<BookFonts | undefined> {
  if (!assets) return undefined;
  try {
    const [regular, bold] = await Promise.all(
      ['DejaVuSerif.ttf', 'DejaVuSerif-Bold.ttf'].map(async (name) => {
        const response = await assets.fetch(`https://assets.local/fonts/${name}`);
        if (!response.ok) return undefined;
        const bytes = new Uint8Array(await response.arrayBuffer());
        // The assets fallback may answer the site's index.html; a TrueType file starts 00 01 00 00.
        return bytes.length > 4 && bytes[0] === 0 && bytes[1] === 1 ? bytes : undefined;
      }),
    );
    return regular && bold ? { regular, bold } : undefined;
  } catch {
    return undefined;
  }
}
