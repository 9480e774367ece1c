import type { Lane, TaskPhase } from '../../shared/task.ts';
import type { ClaimedTask } from './task-queue.ts';

interface Run {
  conversationId: string;
  lane: Lane;
  phase?: TaskPhase;
  /** Its first text has come: later text goes out as deltas. */
  streaming?: boolean;
  /** Handed to a worker that has not asked for its first slot yet: it will, any moment. */
  awaitingFirstCall: boolean;
}

/** The runs handed to workers, by task: conversation, lane and what each waits for now. */
export class RunTable {
  private readonly runs = new Map<string, Run>();

  /** A claimed task goes to a worker; a cut turn is first looked up in OpenClaw's transcript. */
  start(claimed: ClaimedTask): void {
    const { conversationId, lane } = claimed;
    const run: Run = { conversationId, lane, awaitingFirstCall: true };
    if (claimed.resume) run.phase = 'recovering';
    this.runs.set(claimed.id, run);
  }

  get(taskId: string): Readonly<Run> | undefined {
    return this.runs.get(taskId);
  }

  conversationOf(taskId: string): string {
    return this.runs.get(taskId)?.conversationId ?? '';
  }

  /** True when the phase changed. */
  setPhase(taskId: string, phase: TaskPhase | undefined): boolean {
    const run = this.runs.get(taskId);
    if (!run || run.phase === phase) return false;
    run.phase = phase;
    return true;
  }

  /** The worker asked for its first slot. */
  asked(taskId: string): void {
    const run = this.runs.get(taskId);
    if (run) run.awaitingFirstCall = false;
  }

  /**
   * Text came: the phase is over (true when it had one). `first` says whether it is the run's
   * first text, which replaces whatever a cut run had shown.
   */
  text(taskId: string): { hadPhase: boolean; first: boolean } {
    const run = this.runs.get(taskId);
    if (!run) return { hadPhase: false, first: false };
    const hadPhase = run.phase !== undefined;
    run.phase = undefined;
    const first = !run.streaming;
    run.streaming = true;
    return { hadPhase, first };
  }

  drop(taskId: string): void {
    this.runs.delete(taskId);
  }

  /** Runs that will ask for a slot any moment. */
  awaitingFirstCall(): number {
    let n = 0;
    for (const run of this.runs.values()) if (run.awaitingFirstCall) n++;
    return n;
  }

  /** Runs parked on the user's answer to a tool call. */
  waitingForUser(): number {
    let parked = 0;
    for (const run of this.runs.values()) if (run.phase === 'waiting_approval') parked++;
    return parked;
  }
}
