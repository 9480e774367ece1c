import { describe, expect, it } from 'vitest';
import { callPriority, runMessage } from '../../src/main/core/run-job.ts';
import { defaultSettings } from '../../src/main/core/settings.ts';
import { MainToWorkerSchema } from '../../src/shared/worker-protocol.ts';

describe('callPriority', () => {
  it('orders lanes first, and the conversation on screen first within each lane', () => {
    const order = (['interactive', 'short', 'long'] as const).flatMap((lane) => [
      callPriority({ conversationId: 'on-screen', lane }, 'on-screen'),
      callPriority({ conversationId: 'other', lane }, 'on-screen'),
    ]);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(order).size).toBe(order.length);
    // Bottleneck knows priorities 0..9 only.
    expect(Math.max(...order)).toBeLessThanOrEqual(9);
  });

  it('counts a run it does not know as background work, behind every interactive one', () => {
    const unknown = callPriority(undefined, null);
    expect(unknown).toBe(callPriority({ conversationId: 'x', lane: 'long' }, null));
    expect(unknown).toBeGreaterThan(
      callPriority({ conversationId: 'x', lane: 'interactive' }, null),
    );
  });
});

describe('runMessage', () => {
  it('sends the task with its own agent and its lane limits, as the worker protocol expects', () => {
    const settings = defaultSettings({
      gateway: { url: 'http://127.0.0.1:18790', token: 'secret', agentId: 'main' },
    });
    const message = runMessage(
      {
        id: 't1',
        conversationId: 'c1',
        lane: 'long',
        prompt: 'hello',
        agentId: 'researcher',
        sessionKey: 'clawdesk:c1',
        attempt: 2,
      },
      settings,
    );
    expect(MainToWorkerSchema.parse(message)).toEqual(message);
    expect(message).toMatchObject({
      type: 'run',
      job: {
        taskId: 't1',
        attempt: 2,
        text: 'hello',
        sessionKey: 'clawdesk:c1',
        gateway: { url: 'http://127.0.0.1:18790', agentId: 'researcher' },
        timeouts: settings.lanes.long,
      },
    });
  });
});
