import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { Job } from '../shared/worker-protocol.ts';
import { networkError } from './network-error.ts';
import { RunGuard } from './run-guard.ts';
import { CompletionStream, toUsage } from './sse-stream.ts';
import type { CompletionOutcome } from './sse-stream.ts';
import { ToolCallAccumulator, ToolCallPartSchema } from './tool-calls.ts';
import type { OpenAiTool } from './tools/registry.ts';
import { UpstreamError, gatewayMessage, httpStatusError } from './upstream-error.ts';

export type { CompletionOutcome } from './sse-stream.ts';
export type { ToolCall } from './tool-calls.ts';
export { UpstreamError } from './upstream-error.ts';

export interface StreamChatOptions {
  signal?: AbortSignal;
  /** Each piece of assistant text, in order, as soon as it arrives. */
  onDelta: (text: string) => void;
  /**
   * What to send instead of the job's user message: the `role: "tool"` results of the previous
   * round (OpenClaw keeps the rest of the conversation under the session key).
   */
  messages?: readonly ChatMessage[];
  /** Client-side tools to offer the model (OpenAI function format); none: a plain chat. */
  tools?: readonly OpenAiTool[];
  /**
   * OpenClaw took the request (a 200 and its first chunk): the turn is in its session now.
   * Called once, with the run id the stream names (`chatcmpl_…`) when it names one.
   */
  onAccepted?: (runId: string | null) => void;
}

export type ChatMessage =
  { role: 'user'; content: string } | { role: 'tool'; tool_call_id: string; content: string };

/**
 * undici's own timers stay as a backstop a little behind ours, so that our RunGuard (which
 * knows why it fired) normally wins; neither is left at undici's 300 s default.
 */
const UNDICI_BACKSTOP_MS = 1_000;
/** Enough of an error body to quote the gateway; more is a proxy page nobody reads. */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * Sends one user message to OpenClaw's `POST /v1/chat/completions` and streams the answer.
 * Resolves with usage and finish reason after `data: [DONE]`; rejects only with an
 * UpstreamError whose message says what went wrong in words and never contains the token.
 */
export async function streamChat(job: Job, options: StreamChatOptions): Promise<CompletionOutcome> {
  const origin = safeOrigin(job.gateway.url);
  const guard = new RunGuard(job.timeouts, options.signal);
  const dispatcher = new Agent({
    headersTimeout: job.timeouts.headersMs + UNDICI_BACKSTOP_MS,
    bodyTimeout: job.timeouts.stallMs + UNDICI_BACKSTOP_MS,
  });
  let afterHeaders = false;
  try {
    const response = await request(endpoint(job.gateway.url), {
      method: 'POST',
      headers: requestHeaders(job),
      body: JSON.stringify(requestBody(job, options)),
      signal: guard.signal,
      dispatcher,
    });
    afterHeaders = true;
    guard.headersReceived();
    // Nothing reaches the caller once the run is stopped, even from a chunk already read.
    const onDelta = (text: string): void => {
      if (!guard.signal.aborted) options.onDelta(text);
    };
    return await readAnswer(response, guard, { onDelta, onAccepted: options.onAccepted }, job);
  } catch (err) {
    const failure =
      guard.error(err) ??
      (err instanceof UpstreamError ? err : networkError(err, origin, afterHeaders, job.timeouts));
    throw redact(failure, job.gateway.token);
  } finally {
    guard.dispose();
    dispatcher.destroy().catch(() => undefined);
  }
}

function requestBody(job: Job, options: StreamChatOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: `openclaw/${job.gateway.agentId}`,
    stream: true,
    // Only the new message: OpenClaw keeps the conversation under the session key.
    messages: options.messages ?? [{ role: 'user', content: job.text }],
    user: job.sessionKey,
  };
  if (options.tools && options.tools.length > 0) body.tools = options.tools;
  return body;
}

function requestHeaders(job: Job): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    'x-openclaw-agent-id': job.gateway.agentId,
    'x-openclaw-session-key': job.sessionKey,
  };
  // A gateway bound to loopback may run without auth; "Bearer " with nothing is never right.
  if (job.gateway.token) headers.authorization = `Bearer ${job.gateway.token}`;
  return headers;
}

function endpoint(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v1/chat/completions`;
}

/** Scheme, host and port only: no path, and no credentials someone put in the URL. */
function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the configured gateway URL';
  }
}

interface AnswerSinks {
  onDelta: (text: string) => void;
  onAccepted: ((runId: string | null) => void) | undefined;
}

async function readAnswer(
  response: Dispatcher.ResponseData,
  guard: RunGuard,
  { onDelta, onAccepted }: AnswerSinks,
  job: Job,
): Promise<CompletionOutcome> {
  const { statusCode, headers, body } = response;
  // Scrubbed before any message is cut from it: a token cut in half would escape the redaction.
  const text = async (): Promise<string> =>
    scrubToken(await readText(body, guard), job.gateway.token);
  if (statusCode !== 200) {
    throw httpStatusError(statusCode, headers, await text());
  }
  const type = String(headers['content-type'] ?? '');
  if (!type.includes('text/event-stream')) {
    onAccepted?.(null);
    return readWholeAnswer(type, await text(), onDelta);
  }
  const stream = new CompletionStream(onDelta, onAccepted);
  const decoder = new TextDecoder();
  for await (const bytes of body as AsyncIterable<Uint8Array>) {
    guard.touch();
    stream.feed(decoder.decode(bytes, { stream: true }));
    if (stream.failure) throw stream.failure;
    // Leaving the loop destroys the body; nothing after [DONE] matters.
    if (stream.done) return stream.outcome();
  }
  stream.feed(decoder.decode());
  if (stream.failure) throw stream.failure;
  if (stream.done) return stream.outcome();
  throw new UpstreamError({
    code: 'stream_error',
    message: 'the gateway closed the stream before [DONE]; the answer may be incomplete',
    retryable: true,
    status: 200,
    outage: true,
  });
}

async function readText(body: AsyncIterable<Uint8Array>, guard: RunGuard): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const bytes of body) {
    guard.touch();
    text += decoder.decode(bytes, { stream: true });
    if (text.length >= MAX_ERROR_BODY) break;
  }
  return text + decoder.decode();
}

const WholeAnswerSchema = z.object({
  choices: z.tuple(
    [
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z.array(ToolCallPartSchema).nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    ],
    z.unknown(),
  ),
  usage: z.unknown().optional(),
});

/**
 * A 200 that is not an event stream: a gateway (or proxy) that ignored `stream: true`. Accept a
 * complete chat.completion as one delta; anything else is not an answer.
 */
function readWholeAnswer(
  type: string,
  text: string,
  onDelta: (text: string) => void,
): CompletionOutcome {
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: reported below as not an answer.
  }
  const answer = WholeAnswerSchema.safeParse(json);
  if (answer.success) {
    const [choice] = answer.data.choices;
    if (choice.message.content) onDelta(choice.message.content);
    const outcome: CompletionOutcome = {
      usage: toUsage(answer.data.usage),
      finishReason: choice.finish_reason ?? null,
    };
    const calls = new ToolCallAccumulator();
    calls.add(choice.message.tool_calls ?? []);
    const toolCalls = calls.result();
    if (toolCalls.length > 0) outcome.toolCalls = toolCalls;
    return outcome;
  }
  if (json && typeof json === 'object' && 'error' in json) {
    throw new UpstreamError({
      code: 'upstream_error',
      message: `gateway reported an error: ${gatewayMessage(text)}`,
      retryable: true,
      status: 200,
    });
  }
  throw new UpstreamError({
    code: 'bad_response',
    message: `gateway answered HTTP 200 with ${type || 'no content-type'} instead of an event stream`,
    retryable: false,
    status: 200,
  });
}

/** A gateway that echoes the token back must not get it into our logs, database or UI. */
function scrubToken(text: string, token: string): string {
  return token.length < 4 || !text.includes(token) ? text : text.split(token).join('[redacted]');
}

/** Defence in depth: a gateway that echoes the token back must not get it into our logs or UI. */
function redact(error: UpstreamError, token: string): UpstreamError {
  const message = scrubToken(error.message, token);
  if (message === error.message) return error;
  return new UpstreamError({
    code: error.code,
    message,
    retryable: error.retryable,
    status: error.status,
    retryAfterMs: error.retryAfterMs,
  });
}
