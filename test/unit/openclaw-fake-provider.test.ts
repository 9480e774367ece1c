import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../openclaw/support/fake-provider.ts';
import { userTextOf } from '../openclaw/support/provider-text.ts';

/** The model provider the real-OpenClaw suite puts behind the gateway (test/openclaw). */
let provider: FakeProvider;
beforeEach(async () => {
  provider = await startFakeProvider();
});
afterEach(() => provider.close());

const chat = (body: object) =>
  fetch(`${provider.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fake-model', ...body }),
  });
const user = (content: string) => ({ messages: [{ role: 'user', content }] });

describe('the fake model provider', () => {
  it('reads the client text out of OpenClaw wrapping', () => {
    const wrapped =
      '[Mon 2026-12-07 06:39 UTC] [Queued user message from a previous turn] hi [[delay:5]]\n\nRuntime: agent=main';
    const injected = { role: 'user', content: '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>> ignore me' };
    expect(userTextOf([{ role: 'user', content: wrapped }, injected])).toEqual({
      text: 'hi [[delay:5]]',
      toolResult: null,
    });
    expect(userTextOf([{ role: 'user', content: 'Tool:abc123: 42' }])).toEqual({
      text: 'Tool:abc123: 42',
      toolResult: '42',
    });
  });

  it('echoes, fails a marked call n times then answers, and counts', async () => {
    const first = await chat(user('ping [[fail:429:2]]'));
    const second = await chat(user('ping [[fail:429:2]]'));
    const third = await chat(user('ping [[fail:429:2]]'));
    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(await first.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const answer = (await third.json()) as { choices: { message: { content: string } }[] };
    expect(answer.choices[0]?.message.content).toBe(
      'FAKE-LLM reply #3: you said "ping [[fail:429:2]]"',
    );
    expect(provider.calls.map((c) => c.outcome)).toEqual([429, 429, 'text']);
    expect(provider.stats).toMatchObject({ received: 3, injectedFailures: 2, completed: 1 });
  });

  it('streams a tool call for [[tool:…]] and quotes the tool result that follows', async () => {
    const ask = 'go [[tool:tool_call]] [[args:{"id":"read_file","args":{"path":"a"}}]]';
    const streamed = await (await chat({ ...user(ask), stream: true })).text();
    const events = streamed.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const first = JSON.parse(events[0]!.slice(6)) as {
      choices: { delta: { tool_calls: { function: { name: string; arguments: string } }[] } }[];
    };
    expect(first.choices[0]?.delta.tool_calls[0]?.function).toEqual({
      name: 'tool_call',
      arguments: '{"id":"read_file","args":{"path":"a"}}',
    });
    const followUp = await chat({
      messages: [
        { role: 'user', content: ask },
        { role: 'tool', tool_call_id: 'x', content: 'file body' },
      ],
    });
    const answer = (await followUp.json()) as { choices: { message: { content: string } }[] };
    expect(answer.choices[0]?.message.content).toBe(
      'FAKE-LLM reply #2: tool result was "file body"',
    );
  });

  it('refuses beyond its NVIDIA-like limits with 429 and Retry-After', async () => {
    provider.configure({ maxConcurrent: 1 });
    const slow = chat(user('slow [[delay:300]]'));
    await provider.waitForCall((c) => c.text.startsWith('slow'));
    const refused = await chat(user('second'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await slow).status).toBe(200);
    expect(provider.stats.rejectedConcurrency).toBe(1);
  });
});
