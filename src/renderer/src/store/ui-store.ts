import { create } from 'zustand';

export type View = 'chat' | 'tasks' | 'settings';

/** A section of the settings page (its side navigation). */
export type SettingsSection =
  | 'connection'
  | 'limits'
  | 'budget'
  | 'timeouts'
  | 'waits'
  | 'retention'
  | 'guard'
  | 'notifications'
  | 'tools'
  | 'appearance';

export interface ComposerFill {
  text: string;
  editing: boolean;
  cancel: string | null;
}

interface UiState {
  view: View;
  /** The task the monitor shows in its detail pane (a notification or a chat card opens it). */
  selectedTaskId: string | null;
  /** The settings section to bring into view when the settings open (a link asked for it). */
  settingsSection: SettingsSection | null;
  /**
   * Text handed to the composer (an example prompt, the last message to edit); the composer
   * takes it and clears it. `editing`: the text is a sent message being edited to send again;
   * `cancel`: that message's task, when it has not finished (the new one replaces it).
   */
  composerFill: ComposerFill | null;
  show(view: View): void;
  openTask(taskId: string): void;
  openSettings(section: SettingsSection): void;
  fillComposer(fill: ComposerFill): void;
}

/** Which face of the app is on screen; kept apart from the chat data so views switch cheaply. */
export const useUi = create<UiState>((set) => ({
  view: 'chat',
  selectedTaskId: null,
  settingsSection: null,
  composerFill: null,
  show: (view) => set({ view }),
  openTask: (taskId) => set({ view: 'tasks', selectedTaskId: taskId }),
  openSettings: (section) => set({ view: 'settings', settingsSection: section }),
  fillComposer: (fill) => set({ view: 'chat', composerFill: fill }),
}));
