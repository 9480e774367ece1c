import type { ConversationView } from '../../shared/task.ts';
import type { Db } from './database.ts';
import { SqlStore } from './database.ts';
import type { ConversationRow } from './task-rows.ts';
import { conversationView } from './task-rows.ts';

/** Conversations: one OpenClaw session each, named by its session key. */
export class ConversationStore extends SqlStore {
  private readonly newId: () => string;

  constructor(db: Db, now: () => number, newId: () => string) {
    super(db, now);
    this.newId = newId;
  }

  /** `agentId`: the OpenClaw agent it talks to for its whole life (null: the settings' one). */
  create(title: string, agentId: string | null = null): ConversationView {
    const id = this.newId();
    const t = this.now();
    this.prepare(
      `INSERT INTO conversations (id, title, session_key, agent_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(id, title, `clawdesk:${id}`, agentId, t, t);
    return { id, title, agentId, createdAt: t, updatedAt: t };
  }

  get(id: string): (ConversationView & { sessionKey: string }) | undefined {
    const row = this.prepare('SELECT * FROM conversations WHERE id = ?').get(id) as
      ConversationRow | undefined;
    return row && { ...conversationView(row), sessionKey: row.session_key };
  }

  /** Most recently used first. */
  list(): ConversationView[] {
    const rows = this.prepare(
      'SELECT * FROM conversations ORDER BY updated_at DESC, id DESC',
    ).all() as ConversationRow[];
    return rows.map(conversationView);
  }

  rename(id: string, title: string): ConversationView | undefined {
    this.prepare('UPDATE conversations SET title = ? WHERE id = ?').run(title, id);
    const found = this.get(id);
    return (
      found && {
        id: found.id,
        title: found.title,
        agentId: found.agentId ?? null,
        createdAt: found.createdAt,
        updatedAt: found.updatedAt,
      }
    );
  }

  /** Deletes the conversation and, by cascade, its tasks; returns how many tasks went. */
  delete(id: string): number {
    return this.atomically(() => {
      const { n } = this.prepare('SELECT COUNT(*) AS n FROM tasks WHERE conversation_id = ?').get(
        id,
      ) as {
        n: number;
      };
      this.prepare('DELETE FROM conversations WHERE id = ?').run(id);
      return n;
    });
  }

  touch(id: string, at: number): void {
    this.prepare('UPDATE conversations SET updated_at = ? WHERE id = ?').run(at, id);
  }
}
