import type { SettingsSection } from '../store/ui-store.ts';
import type { FieldKey } from './form.ts';

export const SECTIONS: readonly SettingsSection[] = [
  'connection',
  'limits',
  'timeouts',
  'waits',
  'retention',
  'guard',
  'budget',
  'notifications',
  'tools',
  'appearance',
];

/** Which section holds a field: the side navigation marks sections with unsaved changes. */
export function sectionOf(field: FieldKey): SettingsSection {
  if (field === 'gatewayUrl' || field === 'agentId' || field === 'token') return 'connection';
  if (field.endsWith('Total') || field.endsWith('Stall')) return 'timeouts';
  if (field.startsWith('wait')) return 'waits';
  if (field.startsWith('guard')) return 'guard';
  if (field.startsWith('budget')) return 'budget';
  if (field === 'retentionDays' || field === 'cacheEnabled' || field === 'cacheTtlMinutes') {
    return 'retention';
  }
  if (field === 'notifications') return 'notifications';
  if (field.startsWith('tools') || field === 'toolPolicies') return 'tools';
  if (field === 'language') return 'appearance';
  return 'limits';
}
