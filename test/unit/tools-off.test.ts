import { describe, expect, it } from 'vitest';
import type { Job, WorkerToMain } from '../../src/shared/worker-protocol.ts';
import type { UpstreamRequest } from '../../src/worker/agent-loop.ts';
import { TOOLS_OFF_RESULT, chatWithToolsOff } from '../../src/worker/tools-off.ts';
import type { CompletionOutcome } from '../../src/worker/v1-client.ts';

const job = { taskId: 't1', attempt: 1 } as Job;

describe('a tool call while local tools are off (issue 12)', () => {
  it('answers it with a tool result saying so, so the model can still reply', async () => {
    const sent: WorkerToMain[] = [];
    const requests: UpstreamRequest[] = [];
    const outcomes: CompletionOutcome[] = [
      {
        usage: { totalTokens: 5 },
        finishReason: 'tool_calls',
        toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
      },
      { usage: { totalTokens: 7 }, finishReason: 'stop' },
    ];
    const outcome = await chatWithToolsOff({
      job,
      send: (m) => sent.push(m),
      call: async (request) => {
        requests.push(request);
        return outcomes.shift()!;
      },
    });
    expect(outcome).toEqual({ usage: { totalTokens: 12 }, finishReason: 'stop' });
    expect(requests).toEqual([
      {},
      { messages: [{ role: 'tool', tool_call_id: 'call_1', content: TOOLS_OFF_RESULT }] },
    ]);
    expect(sent).toEqual([
      expect.objectContaining({
        type: 'tool',
        toolCallId: 'call_1',
        name: 'get_weather',
        decision: 'tools_off',
        ok: false,
      }),
    ]);
    expect(TOOLS_OFF_RESULT).toMatch(/Settings → Tools/);
  });

  it('gives up refusing after a few rounds: a model that insists ends with its last answer', async () => {
    let calls = 0;
    const outcome = await chatWithToolsOff({
      job,
      send: () => {},
      call: async () => {
        calls++;
        return {
          usage: null,
          finishReason: 'tool_calls',
          toolCalls: [{ id: `c${calls}`, name: 'x', arguments: '{}' }],
        };
      },
    });
    expect(calls).toBe(4);
    expect(outcome.finishReason).toBe('tool_calls');
  });
});
