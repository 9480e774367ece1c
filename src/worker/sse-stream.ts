import { createParser } from 'eventsource-parser';
import { z } from 'zod';
import type { Usage } from '../shared/task.ts';
import { ToolCallAccumulator, ToolCallPartSchema } from './tool-calls.ts';
import type { ToolCall } from './tool-calls.ts';
import { UpstreamError, streamedError } from './upstream-error.ts';

export interface CompletionOutcome {
  usage: Usage | null;
  finishReason: string | null;
  /** The tools the model asked for (`finish_reason: "tool_calls"`); absent when none. */
  toolCalls?: ToolCall[];
}

/** Only what we read of a `chat.completion.chunk`; other fields are ignored. */
const ChunkSchema = z.object({
  id: z.string().nullish(),
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            tool_calls: z.array(ToolCallPartSchema).nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: z.unknown().optional(),
  error: z.unknown().optional(),
});

const OpenAiUsageSchema = z.object({
  prompt_tokens: z.number().int().nonnegative().optional(),
  completion_tokens: z.number().int().nonnegative().optional(),
  total_tokens: z.number().int().nonnegative().optional(),
});

/** Usage is a nicety: a gateway that reports it oddly must not fail a finished run. */
export function toUsage(raw: unknown): Usage | null {
  const parsed = OpenAiUsageSchema.safeParse(raw);
  if (!parsed.success || raw === null || raw === undefined) return null;
  const { prompt_tokens, completion_tokens, total_tokens } = parsed.data;
  return {
    promptTokens: prompt_tokens,
    completionTokens: completion_tokens,
    totalTokens: total_tokens,
  };
}

function preview(data: string): string {
  return data.length > 120 ? `${data.slice(0, 120)}…` : data;
}

function badChunk(message: string): UpstreamError {
  return new UpstreamError({ code: 'bad_response', message, retryable: false, status: 200 });
}

/** 16 MiB: far above any real event, low enough that a runaway line cannot eat the worker. */
const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/**
 * Turns the text of an OpenAI-style SSE stream into deltas. Feed it decoded text as it comes;
 * after each feed, check `failure` (stop and report it) and `done` (`data: [DONE]` was seen).
 */
export class CompletionStream {
  done = false;
  failure: UpstreamError | null = null;
  private usage: Usage | null = null;
  private finishReason: string | null = null;
  private readonly toolCalls = new ToolCallAccumulator();
  private readonly onDelta: (text: string) => void;
  private readonly parser = createParser({
    maxBufferSize: MAX_EVENT_CHARS,
    onEvent: (event) => this.onData(event.data),
    onError: (error) => {
      // Unknown fields and bad `retry:` values are legal noise in SSE; only overflow is fatal.
      if (error.type === 'max-buffer-size-exceeded') {
        this.failure ??= badChunk('gateway sent a stream event larger than 16 MiB');
      }
    },
  });

  private onFirstChunk: ((id: string | null) => void) | undefined;

  /** `onFirstChunk`: once, with the id the first chunk names (OpenClaw's run id). */
  constructor(onDelta: (text: string) => void, onFirstChunk?: (id: string | null) => void) {
    this.onDelta = onDelta;
    this.onFirstChunk = onFirstChunk;
  }

  feed(text: string): void {
    if (!this.done && !this.failure) this.parser.feed(text);
  }

  outcome(): CompletionOutcome {
    const toolCalls = this.toolCalls.result();
    const outcome: CompletionOutcome = { usage: this.usage, finishReason: this.finishReason };
    if (toolCalls.length > 0) outcome.toolCalls = toolCalls;
    return outcome;
  }

  private onData(data: string): void {
    if (this.done || this.failure) return;
    if (data.trim() === '[DONE]') {
      this.done = true;
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.failure = badChunk(`gateway sent a malformed stream chunk: ${preview(data)}`);
      return;
    }
    const chunk = ChunkSchema.safeParse(json);
    if (!chunk.success) {
      this.failure = badChunk(`gateway sent a stream chunk of unexpected shape: ${preview(data)}`);
      return;
    }
    const first = this.onFirstChunk;
    this.onFirstChunk = undefined;
    first?.(chunk.data.id ?? null);
    if (chunk.data.error !== undefined && chunk.data.error !== null) {
      this.failure = streamedError(chunk.data.error);
      return;
    }
    const choice = chunk.data.choices?.[0];
    const content = choice?.delta?.content;
    if (content) this.onDelta(content);
    const toolCalls = choice?.delta?.tool_calls;
    if (toolCalls) this.toolCalls.add(toolCalls);
    if (choice?.finish_reason) this.finishReason = choice.finish_reason;
    this.usage = toUsage(chunk.data.usage) ?? this.usage;
  }
}
