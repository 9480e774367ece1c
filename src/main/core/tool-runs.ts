import type { PendingApproval, ToolCallView } from '../../shared/task.ts';
import type { JobTools, MainToWorker, WorkerToMain } from '../../shared/worker-protocol.ts';
import { EXEC_TOOL_NAMES, policiesFor } from '../../shared/worker-protocol.ts';
import type { CoreSettings } from './settings.ts';
import { ApiRefusal } from './api-dispatcher.ts';
import { SqlStore } from './database.ts';
import type { JobRef } from './worker-pool.ts';

type ToolMessage = Extract<WorkerToMain, { type: 'tool' }>;
type ApprovalRequest = Extract<WorkerToMain, { type: 'approval_request' }>;

interface Pending extends PendingApproval {
  attempt: number;
  send: (message: MainToWorker) => void;
}

/**
 * Local tools for a run, when the user turned them on (issue 6); nothing otherwise. The worker
 * learns the sandbox found here, the folders to hide and which exec tools may use the network
 * (issue 13); exec policies are ask-only without a sandbox.
 */
export function jobTools(settings: CoreSettings): { tools?: JobTools } {
  const { tools } = settings;
  if (!tools.enabled) return {};
  const { workspace, maxRounds, allowlist, sandbox } = tools;
  const network = EXEC_TOOL_NAMES.filter(
    (name) => tools.network[name as keyof typeof tools.network],
  );
  return {
    tools: {
      workspace,
      policies: policiesFor(tools.policies, sandbox.kind),
      maxRounds,
      ...(allowlist ? { allowlist } : {}),
      sandbox: { kind: sandbox.kind, hidden: [...tools.hidden], network },
    },
  };
}

/** The tool calls of agent runs, as SQL (migration 4). */
export class ToolCallStore extends SqlStore {
  add(ref: JobRef, call: ToolCallView): void {
    this.prepare(
      `INSERT INTO tool_calls (task_id, attempt, tool_call_id, name, args, decision, ok, result, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      ref.taskId,
      ref.attempt,
      call.toolCallId,
      call.name,
      call.args,
      call.decision,
      call.ok ? 1 : 0,
      call.result,
      call.at,
    );
  }

  /** The calls of the task's latest run, oldest first. */
  list(taskId: string): ToolCallView[] {
    const rows = this.prepare(
      `SELECT tool_call_id, name, args, decision, ok, result, at FROM tool_calls
       WHERE task_id = ? AND attempt = (SELECT MAX(attempt) FROM tool_calls WHERE task_id = ?)
       ORDER BY at, rowid`,
    ).all(taskId, taskId) as {
      tool_call_id: string;
      name: string;
      args: string;
      decision: ToolCallView['decision'];
      ok: number;
      result: string;
      at: number;
    }[];
    return rows.map((r) => ({
      toolCallId: r.tool_call_id,
      name: r.name,
      args: r.args,
      decision: r.decision,
      ok: r.ok === 1,
      result: r.result,
      at: r.at,
    }));
  }
}

/**
 * Main's side of agent tool use: every call the worker made is recorded with its task, and a
 * call under an "ask" policy waits here until the user approves or denies it.
 */
export class ToolRuns {
  private readonly pending = new Map<string, Pending>();
  private readonly store: ToolCallStore;
  private readonly save: (write: () => void) => void;

  /** `save` runs the write, or keeps it until the disk takes writes again (issue 7). */
  constructor(store: ToolCallStore, save: (write: () => void) => void = (write) => write()) {
    this.store = store;
    this.save = save;
  }

  record(ref: JobRef, message: ToolMessage, at: number): ToolCallView {
    const call: ToolCallView = {
      toolCallId: message.toolCallId,
      name: message.name,
      args: message.args,
      decision: message.decision,
      ok: message.ok,
      result: message.result,
      at,
    };
    this.save(() => this.store.add(ref, call));
    return call;
  }

  request(ref: JobRef, message: ApprovalRequest, send: (m: MainToWorker) => void): void {
    const { toolCallId, name, args } = message;
    this.pending.set(ref.taskId, { toolCallId, name, args, attempt: ref.attempt, send });
  }

  pendingFor(taskId: string): PendingApproval | undefined {
    const entry = this.pending.get(taskId);
    return entry && { toolCallId: entry.toolCallId, name: entry.name, args: entry.args };
  }

  /** Sends the user's decision to the worker that asked; refused when nothing waits for it. */
  answer(taskId: string, toolCallId: string, approved: boolean): void {
    const entry = this.pending.get(taskId);
    if (!entry || entry.toolCallId !== toolCallId) {
      throw new ApiRefusal(
        'refused',
        `no tool call ${toolCallId} of task ${taskId} waits for approval`,
      );
    }
    this.pending.delete(taskId);
    entry.send({ type: 'approval', taskId, attempt: entry.attempt, toolCallId, approved });
  }

  calls(taskId: string): ToolCallView[] {
    return this.store.list(taskId);
  }

  /** The run ended: nothing of it waits any more. */
  drop(taskId: string): void {
    this.pending.delete(taskId);
  }
}
