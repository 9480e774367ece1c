import type { TaskState } from '../../../shared/task.ts';
import { englishChat } from '../i18n/index.ts';

/**
 * What each state means to the person waiting for the reply ("Done", "完成"): the shared
 * table's words (src/shared/state-words.ts), the same in the chat, the monitor and the tray.
 */
export function stateLabel(state: TaskState, t = englishChat): string {
  return t(`words:state.${state}`);
}
