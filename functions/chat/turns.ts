import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { conversations, type MessageError, messages } from '../../db/schema';
import { costMicros } from '../models/pricing';
import { streamChat } from '../models/providers';
import {
  type ChatMessage,
  type ProviderConfig,
  ProviderError,
  type ProviderName,
} from '../models/providers/types';
import { countTokens, estimatePromptTokens } from '../models/token-count';
import { countNewUsage, insertUsage, type UsageRecord } from '../usage/service';

/** Everything a ChatSession object needs to run one reply, resolved by the Worker. */
export interface TurnJob {
  /** The assistant message's id; also the turn's id in the event log. */
  turnId: string;
  conversationId: string;
  userId: string;
  parentId: string;
  /** Shared by the replies of one send; the site shows a batch of several as columns. */
  batchId: string;
  source: 'chat' | 'compare';
  model: {
    slug: string;
    provider: ProviderName;
    modelId: string;
    displayName: string;
    inputPriceMicros: number;
    outputPriceMicros: number;
  };
  messages: ChatMessage[];
  temperature?: number;
  /** Holds the API key in memory for this call only; it is never written to storage. */
  config: ProviderConfig;
  /** Epoch ms after which the turn is failed by the object's watchdog. */
  deadline: number;
}

export type TurnStatus = 'complete' | 'stopped' | 'failed';

export interface TurnResult {
  status: TurnStatus;
  content: string;
  inputTokens: number;
  outputTokens: number;
  estimated: boolean;
  costMicros: number;
  error: MessageError | null;
}

/** Why a turn's signal was aborted; decides between `stopped` and `failed`. */
export type AbortReason = 'user' | 'deadline';

const ERROR_CODES: Record<ProviderError['kind'], string> = {
  auth: 'PROVIDER_AUTH',
  rate_limit: 'PROVIDER_RATE_LIMITED',
  timeout: 'PROVIDER_TIMEOUT',
  unavailable: 'PROVIDER_ERROR',
  bad_request: 'PROVIDER_REJECTED',
  cut: 'STREAM_CUT',
  aborted: 'STOPPED',
};

/** The stored error for a failure: a stable code and a short message of ours. */
export function turnError(err: unknown, reason?: AbortReason): MessageError {
  if (reason === 'deadline') {
    return { code: 'TURN_DEADLINE', message: 'The reply took too long and was ended.' };
  }
  if (err instanceof ProviderError) {
    const hint =
      err.kind === 'auth'
        ? ' Check the key under AI keys.'
        : err.kind === 'rate_limit'
          ? ' Try again in a moment.'
          : '';
    return { code: ERROR_CODES[err.kind], message: `${err.message}${hint}` };
  }
  return { code: 'INTERNAL', message: 'The reply failed unexpectedly.' };
}

/** Receives a turn's output as it is produced. */
export interface TurnSink {
  text(chunk: string): void | Promise<void>;
}

/**
 * Runs one reply to the end: streams the provider's chunks into the sink, then settles the
 * usage (the provider's figures, else a tokenizer estimate, marked as such) and the cost.
 * Never throws: every failure becomes a `failed` or `stopped` result keeping the partial text.
 */
export async function executeTurn(
  job: TurnJob,
  sink: TurnSink,
  signal: AbortSignal,
  abortReason: () => AbortReason | undefined,
): Promise<TurnResult> {
  let content = '';
  let usage: { inputTokens: number; outputTokens: number } | null = null;
  let status: TurnStatus = 'complete';
  let error: MessageError | null = null;
  try {
    const chunks = streamChat(
      job.model.provider,
      {
        model: job.model.modelId,
        messages: job.messages,
        temperature: job.temperature,
        signal,
      },
      job.config,
    );
    for await (const chunk of chunks) {
      if (chunk.type === 'text') {
        content += chunk.text;
        await sink.text(chunk.text);
      } else {
        usage = { inputTokens: chunk.inputTokens, outputTokens: chunk.outputTokens };
      }
    }
  } catch (err) {
    const reason = abortReason();
    const aborted = reason === 'user' || (err instanceof ProviderError && err.kind === 'aborted');
    status = aborted && reason !== 'deadline' ? 'stopped' : 'failed';
    error = status === 'stopped' ? null : turnError(err, reason);
  }
  const estimated = usage === null;
  const settled = usage ?? {
    inputTokens: await estimatePromptTokens(job.messages),
    outputTokens: content ? await countTokens(content) : 0,
  };
  // A call refused before any output (bad key, 429) cost nothing at the vendor.
  const billable = usage !== null || content.length > 0;
  const inputTokens = billable ? settled.inputTokens : 0;
  const outputTokens = billable ? settled.outputTokens : 0;
  return {
    status,
    content,
    inputTokens,
    outputTokens,
    estimated,
    costMicros: costMicros(job.model, inputTokens, outputTokens),
    error,
  };
}

/** The columns a finished turn sets on its reply row, in Postgres and in the object's live copy. */
export function finishedFields(result: TurnResult, completedAt: Date) {
  return {
    content: result.content,
    status: result.status,
    error: result.error,
    inputTokens: result.inputTokens,
    outputTokens: result.outputTokens,
    tokensEstimated: result.estimated,
    costMicros: result.costMicros,
    completedAt,
  };
}

/**
 * Writes a finished reply to Postgres in one transaction: the message (only while it is
 * still `streaming`, so a retry or a late duplicate changes nothing), its usage row (unique
 * on the message id) and the conversation's activity time. A new usage row then goes to the
 * quota counters, after the commit, so a rolled-back or retried write never counts.
 */
export async function persistTurn(db: Database, job: TurnJob, result: TurnResult): Promise<void> {
  const usage: UsageRecord | null =
    result.inputTokens + result.outputTokens > 0
      ? {
          userId: job.userId,
          source: job.source,
          reference: job.turnId,
          provider: job.model.provider,
          model: job.model.slug,
          inputTokens: result.inputTokens,
          outputTokens: result.outputTokens,
          estimated: result.estimated,
          costMicros: result.costMicros,
        }
      : null;
  const billed = await db.transaction(async (tx) => {
    const updated = await tx
      .update(messages)
      .set(finishedFields(result, new Date()))
      .where(and(eq(messages.id, job.turnId), eq(messages.status, 'streaming')))
      .returning({ id: messages.id });
    if (updated.length === 0) return false;
    const fresh = usage ? await insertUsage(tx, usage) : false;
    await tx
      .update(conversations)
      .set({ updatedAt: new Date() })
      .where(eq(conversations.id, job.conversationId));
    return fresh;
  });
  if (billed && usage) await countNewUsage(usage);
}
