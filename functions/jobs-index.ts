import { WorkerEntrypoint } from 'cloudflare:workers';
import { runScheduled } from './cron/service';
import { jobsApp } from './jobs-app';
import { countEach } from './models/tokenizer';

/**
 * Entry of the jobs Worker (`webox-jobs`, wrangler.jobs.toml): no public route, reached only
 * through the edge Worker's JOBS service binding: HTTP (`fetch`), the cron sweeps (`runCron`,
 * the edge Worker's triggers handed over), and the two heavy helpers chat needs now and then
 * (`countTokens`, `pdfText`), kept here so the edge bundle stays small.
 */
export default class JobsWorker extends WorkerEntrypoint<Env> {
  override fetch(request: Request): Response | Promise<Response> {
    return jobsApp.fetch(request, this.env, this.ctx);
  }

  /** Runs the cron sweeps for the trigger `cron` fired at `scheduledTime` (ms since epoch). */
  async runCron(cron: string, scheduledTime: number): Promise<void> {
    const controller: ScheduledController = { cron, scheduledTime, noRetry: () => undefined };
    await runScheduled(controller, this.env, this.ctx);
  }

  /** Tokens of each text with the cl100k tokenizer (models/tokenizer.ts). */
  countTokens(texts: string[]): Promise<number[]> {
    return countEach(texts);
  }

  /** The text of a PDF, pages merged, with PDF.js (unpdf's serverless build). */
  async pdfText(bytes: Uint8Array): Promise<string> {
    const { extractText, getDocumentProxy } = await import('unpdf');
    const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    return text;
  }
}
