import { Monitor, Moon, Sun } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { IconButton } from './IconButton.tsx';
import { THEME_CHOICES, useTheme, type ThemeChoice } from './theme.ts';

const ICONS: Record<ThemeChoice, typeof Sun> = { system: Monitor, light: Sun, dark: Moon };

/** System → light → dark → system: one button, its label says what is on now. */
export function ThemeSwitch() {
  const { t } = useTranslation('common');
  const choice = useTheme((s) => s.choice);
  const set = useTheme((s) => s.set);
  const Icon = ICONS[choice];
  const next =
    THEME_CHOICES[(THEME_CHOICES.indexOf(choice) + 1) % THEME_CHOICES.length] ?? 'system';
  return (
    <IconButton
      size="sm"
      data-testid="theme-switch"
      data-theme-choice={choice}
      label={t('theme.label', { theme: t(`theme.${choice}`) })}
      icon={<Icon size={16} aria-hidden="true" />}
      onClick={() => set(next)}
    />
  );
}
