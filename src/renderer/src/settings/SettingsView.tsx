import { useEffect, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettingsView as StoredSettings } from '../../../shared/settings.ts';
import { StorageBanner } from '../storage/StorageBanner.tsx';
import { useUi, type SettingsSection } from '../store/ui-store.ts';
import { Button } from '../ui/index.ts';
import { SECTIONS, sectionOf } from './sections.ts';
import {
  AppearanceSection,
  ConnectionSection,
  LimitSections,
  NotificationsSection,
  type Form,
} from './SettingsSections.tsx';
import { useSettings } from './settings-connection.ts';
import { ToolsSection } from './ToolsSection.tsx';
import { BudgetSection } from './BudgetSection.tsx';
import { useSettingsForm, type Status } from './use-settings-form.ts';
import './settings.css';

function StatusLine({ status }: { status: Status | null }) {
  const { t } = useTranslation('settings');
  const ok = status && status.kind !== 'refused' && status.kind !== 'invalid';
  return (
    <>
      <p role="status" className="settings-status" data-testid="settings-status">
        {ok ? t(`status.${status.kind}`) : ''}
      </p>
      {status && !ok && (
        <p role="alert" className="settings-problem" data-testid="settings-problem">
          {status.kind === 'refused'
            ? t('status.refused', { message: status.message })
            : t('status.invalid')}
        </p>
      )}
    </>
  );
}

/** The side navigation: one entry per section, a dot on those with unsaved changes. */
function SectionNav({
  active,
  marked,
  onPick,
}: {
  active: SettingsSection;
  marked: ReadonlySet<SettingsSection>;
  onPick(section: SettingsSection): void;
}) {
  const { t } = useTranslation('settings');
  return (
    <nav className="settings-nav" aria-label={t('nav')}>
      {SECTIONS.map((section) => (
        <button
          key={section}
          type="button"
          className="settings-nav-item"
          aria-current={section === active ? 'true' : undefined}
          data-changed={marked.has(section) ? 'true' : undefined}
          onClick={() => onPick(section)}
        >
          {t(`sections.${section}`)}
          {marked.has(section) && (
            <span className="changed-dot" aria-label={t('changedHere')} role="img" />
          )}
        </button>
      ))}
    </nav>
  );
}

/** Save and Cancel, always in view at the bottom, with the unsaved-changes mark. */
function SaveBar({ form }: { form: Form }) {
  const { t } = useTranslation('settings');
  return (
    <div className="settings-bar" data-dirty={form.dirty ? 'true' : undefined}>
      {form.dirty && (
        <span className="settings-unsaved" data-testid="settings-unsaved">
          {t('unsaved')}
        </span>
      )}
      <StatusLine status={form.status} />
      <span className="settings-bar-gap" />
      <Button disabled={!form.dirty || form.busy} onClick={form.cancel}>
        {t('cancel')}
      </Button>
      <Button type="submit" variant="primary" disabled={form.busy}>
        {form.busy ? t('saving') : t('save')}
      </Button>
    </div>
  );
}

function useActiveSection(scroller: RefObject<HTMLDivElement | null>) {
  const [active, setActive] = useState<SettingsSection>('connection');
  /** Until then, scroll events are ours (a pick): the last sections cannot reach the top. */
  const pickedUntil = useRef(0);
  const onScroll = (): void => {
    const el = scroller.current;
    if (!el || Date.now() < pickedUntil.current) return;
    const top = el.getBoundingClientRect().top;
    let current: SettingsSection = 'connection';
    for (const section of SECTIONS) {
      const node = el.querySelector(`[data-section="${section}"]`);
      if (node && node.getBoundingClientRect().top - top <= 48) current = section;
    }
    setActive(current);
  };
  const show = (section: SettingsSection): void => {
    pickedUntil.current = Date.now() + 600;
    scroller.current
      ?.querySelector(`[data-section="${section}"]`)
      ?.scrollIntoView({ block: 'start' });
    setActive(section);
  };
  return { active, onScroll, show };
}

function SettingsForm({ settings }: { settings: StoredSettings }) {
  const form = useSettingsForm(settings);
  const scroller = useRef<HTMLDivElement>(null);
  const { active, onScroll, show } = useActiveSection(scroller);
  const asked = useUi((s) => s.settingsSection);
  // A link asked for a section ("Settings → Tools"): bring it into view once.
  useEffect(() => {
    if (!asked) return;
    show(asked);
    useUi.setState({ settingsSection: null });
  }, [asked]);
  const marked = new Set(form.changed.map(sectionOf));
  return (
    <form className="settings-form" noValidate onSubmit={(e) => void form.save(e)}>
      <SectionNav active={active} marked={marked} onPick={show} />
      <div className="settings-scroll" ref={scroller} onScroll={onScroll}>
        <ConnectionSection form={form} settings={settings} />
        <LimitSections form={form} />
        <BudgetSection form={form} />
        <NotificationsSection form={form} />
        <ToolsSection form={form} sandbox={settings.toolSandbox} />
        <AppearanceSection form={form} />
      </div>
      <SaveBar form={form} />
    </form>
  );
}

/**
 * Settings (issue 5, laid out in issue 14): a side navigation of sections, the sections in one
 * scrolling column, and Save / Cancel in a bar that stays in view.
 */
export function SettingsView() {
  const { t } = useTranslation('settings');
  const settings = useSettings((s) => s.settings);
  const loadError = useSettings((s) => s.loadError);
  const reload = useSettings((s) => s.reload);
  return (
    <main className="settings" aria-label={t('title')}>
      <header className="view-head">
        <h1 className="title">{t('title')}</h1>
      </header>
      <StorageBanner />
      {settings ? (
        <SettingsForm settings={settings} />
      ) : loadError ? (
        <div className="settings-problem" role="alert">
          <p>{t('loadFailed', { message: loadError })}</p>
          <Button onClick={reload}>{t('retry')}</Button>
        </div>
      ) : (
        <p className="settings-loading">{t('loading')}</p>
      )}
    </main>
  );
}
