import { create } from 'zustand';

export type View = 'chat' | 'tasks' | 'settings';

interface UiState {
  view: View;
  /** The task the monitor shows in its detail pane (a notification or a chat card opens it). */
  selectedTaskId: string | null;
  show(view: View): void;
  openTask(taskId: string): void;
}

/** Which face of the app is on screen; kept apart from the chat data so views switch cheaply. */
export const useUi = create<UiState>((set) => ({
  view: 'chat',
  selectedTaskId: null,
  show: (view) => set({ view }),
  openTask: (taskId) => set({ view: 'tasks', selectedTaskId: taskId }),
}));
