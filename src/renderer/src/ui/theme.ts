import { create } from 'zustand';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'clawdesk.theme';
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

function stored(): ThemeChoice {
  try {
    const value = window.localStorage.getItem(KEY);
    return CHOICES.includes(value as ThemeChoice) ? (value as ThemeChoice) : 'system';
  } catch {
    return 'system';
  }
}

/** `system` leaves the page to `prefers-color-scheme`; the others pin it with data-theme. */
export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
}

interface ThemeState {
  choice: ThemeChoice;
  set(choice: ThemeChoice): void;
}

/**
 * The light/dark switch. A look of this screen, not a setting of the app: kept in the
 * browser's storage (per device), so it applies before anything loads.
 */
export const useTheme = create<ThemeState>((set) => ({
  choice: typeof window === 'undefined' ? 'system' : stored(),
  set(choice) {
    try {
      window.localStorage.setItem(KEY, choice);
    } catch {
      // Storage can be off: the choice still holds for this page.
    }
    applyTheme(choice);
    set({ choice });
  },
}));

export const THEME_CHOICES = CHOICES;
