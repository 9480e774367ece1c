import { useTranslation } from 'react-i18next';
import type { ResourceAlert } from '../../../shared/monitor.ts';
import { bytes } from './format.ts';
import { useMonitor } from './use-monitor.ts';

/**
 * Memory and CPU of main and the workers, free disk of the data folder, and the main process
 * guard's alerts (polled by the store, and fetched again when an alert begins or ends).
 */
export function ResourcePanel() {
  const { t } = useTranslation('monitor');
  const resources = useMonitor((s) => s.resources);
  if (!resources) {
    return (
      <section className="monitor-panel" aria-label={t('resources.label')}>
        <p>{t('resources.unknown')}</p>
      </section>
    );
  }
  const { main, workers, disk, alerts } = resources;
  const workerRss = workers.reduce((sum, w) => sum + w.rssBytes, 0);
  return (
    <section className="monitor-panel" aria-label={t('resources.label')} data-testid="resources">
      <h2>{t('resources.label')}</h2>
      <ul>
        <li>
          {t('resources.main', {
            rss: bytes(main.rssBytes),
            heap: bytes(main.heapUsedBytes),
            cpu: main.cpuPercent.toFixed(0),
          })}
        </li>
        <li>
          {t('resources.workers', {
            count: workers.length,
            busy: workers.filter((w) => w.busy).length,
            rss: bytes(workerRss),
          })}
        </li>
        <li>
          {t('resources.disk', { free: bytes(disk.freeBytes), total: bytes(disk.totalBytes) })}
        </li>
      </ul>
      {alerts.map((alert) => (
        <AlertLine key={alert.kind} alert={alert} />
      ))}
    </section>
  );
}

/** One guard alert, in words: the disk's free space or main's memory, against its limit. */
function AlertLine({ alert }: { alert: ResourceAlert }) {
  const { t } = useTranslation('monitor');
  return (
    <p
      role="alert"
      className="monitor-warn"
      data-testid={alert.kind === 'disk' ? 'low-disk' : 'memory-high'}
    >
      {alert.kind === 'disk'
        ? t('resources.lowDisk', {
            path: alert.path,
            free: bytes(alert.valueBytes),
            limit: bytes(alert.limitBytes),
          })
        : t('resources.memoryHigh', {
            rss: bytes(alert.valueBytes),
            limit: bytes(alert.limitBytes),
          })}
    </p>
  );
}
