/**
 * An agent per conversation (issue 14): a new chat may name one of the gateway's agents; the
 * conversation keeps it (its messages run with it, whatever the settings say later), lists
 * it, refuses another one, and the monitor filters by it. Older conversations follow the
 * settings' agent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptedCore, until } from '../helpers/scripted-core.ts';

describe('agent per conversation', () => {
  let c: ScriptedCore;
  afterEach(() => c.close());

  it('a conversation keeps the agent it started with, across a settings change', async () => {
    c = new ScriptedCore();
    const first = await c.call('chat.send', { text: 'for research', agentId: 'research' });
    expect(first.conversation.agentId).toBe('research');
    expect(first.task.agentId).toBe('research');
    const worker = await c.readyWorker();
    const job = await until(() => worker.lastRun(), 'a run');
    expect(job.gateway.agentId).toBe('research');

    await c.call('settings.update', { agentId: 'main' });
    const again = await c.call('chat.send', {
      conversationId: first.conversation.id,
      text: 'still research',
    });
    expect(again.task.agentId).toBe('research');
    const listed = await c.call('conversations.list', {});
    expect(listed.find((v) => v.id === first.conversation.id)?.agentId).toBe('research');
  });

  it('without an agent a conversation follows the settings; another agent is refused', async () => {
    c = new ScriptedCore();
    const plain = await c.call('chat.send', { text: 'plain' });
    expect(plain.conversation.agentId).toBeNull();
    expect(plain.task.agentId).toBe('main');
    const refused = await c.core.dispatch('chat.send', {
      conversationId: plain.conversation.id,
      text: 'switch?',
      agentId: 'ops',
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'invalid_params', message: expect.stringContaining('start a new chat') },
    });
  });

  it('the monitor lists each task with its agent and filters by it', async () => {
    c = new ScriptedCore();
    await c.call('chat.send', { text: 'a', agentId: 'research' });
    await c.call('chat.send', { text: 'b' });
    const all = await c.call('tasks.list', {});
    expect(all.tasks.map((t) => t.agentId).sort()).toEqual(['main', 'research']);
    const only = await c.call('tasks.list', { agents: ['research'] });
    expect(only.tasks.map((t) => t.title)).toEqual(['a']);
    expect(only.total).toBe(1);
  });
});
