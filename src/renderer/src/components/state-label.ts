import type { TaskState } from '../../../shared/task.ts';
import { englishChat } from '../i18n/index.ts';

/** What each state means to the person waiting for the reply ("Done", "完成"). */
export function stateLabel(state: TaskState, t = englishChat): string {
  return t(`state.${state}`);
}
