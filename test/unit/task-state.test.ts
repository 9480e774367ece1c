import { describe, expect, it } from 'vitest';
import { canTransition } from '../../src/main/core/task-state.ts';
import { TaskStateSchema, type TaskState } from '../../src/shared/task.ts';

const states = TaskStateSchema.options;
const legal: Record<TaskState, TaskState[]> = {
  queued: ['running', 'paused', 'cancelled', 'failed'],
  running: ['succeeded', 'failed', 'cancelled', 'timed_out', 'paused', 'interrupted', 'queued'],
  paused: ['queued', 'cancelled'],
  interrupted: ['queued', 'failed', 'cancelled'],
  failed: ['queued'],
  cancelled: ['queued'],
  timed_out: ['queued'],
  succeeded: [],
};

describe('task state machine', () => {
  for (const from of states) {
    for (const to of states) {
      const allowed = legal[from].includes(to);
      it(`${from} → ${to} is ${allowed ? 'legal' : 'refused'}`, () => {
        expect(canTransition(from, to)).toBe(allowed);
      });
    }
  }
});
