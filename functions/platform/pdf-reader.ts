import { env } from 'cloudflare:workers';

/**
 * PDF text extraction for the edge Worker (chat attachments), in the shape of unpdf's
 * `getDocumentProxy` + `extractText`. PDF.js is about 1.6 MiB, so it runs in the jobs Worker
 * (its `pdfText` RPC method) and this module only carries the bytes there.
 */

/** The bytes of a PDF not yet read; handed whole to the jobs Worker. */
export interface PendingPdf {
  bytes: Uint8Array;
}

/** Wraps the bytes; the PDF is parsed by `extractText`, on the jobs Worker. */
export async function getDocumentProxy(bytes: Uint8Array): Promise<PendingPdf> {
  return { bytes };
}

/** The PDF's text, all pages merged; rejects when PDF.js cannot read the file. */
export async function extractText(
  pdf: PendingPdf,
  _options: { mergePages: true },
): Promise<{ text: string }> {
  return { text: await (env as Env).JOBS.pdfText(pdf.bytes) };
}
