import { useStore } from 'zustand';
import { selectApi } from '../api/index.ts';
import { nextFrame } from '../store/next-frame.ts';
import { createMonitorStore, type MonitorState, type MonitorStore } from './monitor-store.ts';

let instance: MonitorStore | null = null;

/**
 * The monitor's store, made the first time the monitor opens.
 * TODO(lead): take the chat's API instance once the store context exposes it; until then the
 * monitor opens its own connection (only after the user first opens the view).
 */
export function monitorStore(): MonitorStore {
  instance ??= createMonitorStore(selectApi(), nextFrame);
  return instance;
}

/** Select a slice of the monitor state; the component re-renders only when it changes. */
export function useMonitor<T>(selector: (state: MonitorState) => T): T {
  return useStore(monitorStore(), selector);
}
