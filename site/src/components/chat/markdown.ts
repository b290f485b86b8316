import DOMPurify from 'dompurify';
import { Marked, type Tokens } from 'marked';

/** The words the rendered HTML carries (the copy button of code blocks). */
export interface MarkdownLabels {
  copy: string;
  copyCode: string;
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => escapes[ch] ?? ch);
}

// Links a model writes open in a new tab and never get a handle on this page.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node instanceof HTMLAnchorElement && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

const parsers = new Map<string, Marked>();

function parserFor(labels: MarkdownLabels): Marked {
  const key = `${labels.copy}\u0000${labels.copyCode}`;
  const cached = parsers.get(key);
  if (cached) return cached;
  const marked = new Marked({
    gfm: true,
    breaks: false,
    renderer: {
      code({ text, lang }: Tokens.Code) {
        const language = (lang ?? '').trim().split(/\s+/)[0] ?? '';
        const head = language
          ? `<span class="code-lang">${escapeHtml(language)}</span>`
          : '<span></span>';
        const klass = language ? ` class="language-${escapeHtml(language)}"` : '';
        return `<div class="code-block"><div class="code-head">${head}<button type="button" class="code-copy" data-copy-code="" aria-label="${escapeHtml(labels.copyCode)}">${escapeHtml(labels.copy)}</button></div><pre><code${klass}>${escapeHtml(text)}</code></pre></div>`;
      },
      // Images a model points to are shown as links: loading them would tell a third-party
      // server that the reply was read (and could carry conversation text in the URL).
      image({ href, text }: Tokens.Image) {
        return `<a href="${escapeHtml(href)}">${escapeHtml(text || href)}</a>`;
      },
      // Raw HTML in a reply is shown as text, never interpreted.
      html({ text }: Tokens.HTML | Tokens.Tag) {
        return escapeHtml(text);
      },
    },
  });
  parsers.set(key, marked);
  return marked;
}

/**
 * A reply's Markdown as safe HTML: parsed with marked, raw HTML escaped, then sanitised
 * with DOMPurify (no scripts, handlers or foreign frames). Code blocks get a Copy button
 * (`data-copy-code`) that the message component handles by delegation.
 */
export function renderMarkdown(markdown: string, labels: MarkdownLabels): string {
  const html = parserFor(labels).parse(markdown, { async: false });
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    ADD_ATTR: ['target', 'data-copy-code'],
    FORBID_TAGS: ['style', 'form', 'textarea', 'select', 'img'],
  });
}

/** Copies text to the clipboard; falls back to a hidden textarea where the API is missing. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}
