// A sentence over the loss chart that says, before Play, what a preset's run will show when
// that is not the usual single climb: on the paper's two-parent graph the first-layer heads sit
// on one parent for a while (a plateau, shaded on the chart once the run shows it) before they
// split, one head per parent.
import type { Settings } from '../settings';

export const TWO_PARENT_NOTE =
  'Expect a plateau: both first-layer heads sit on one parent (the previous position) for a while before they split, ' +
  'one head per parent. The loss chart shades the plateau when the run shows it.';

/** The note for these settings, or null when the run needs none. */
export function stageNote(settings: Pick<Settings, 'preset' | 'graph' | 'heads'>): string | null {
  const twoHeads = (settings.heads[0] ?? 1) >= 2;
  return settings.graph === 'paper2' && twoHeads ? TWO_PARENT_NOTE : null;
}

/** Shows the note for `settings` in `element` (hidden when there is none). */
export function showStageNote(element: HTMLElement, settings: Pick<Settings, 'preset' | 'graph' | 'heads'>): void {
  const note = stageNote(settings);
  element.textContent = note ?? '';
  element.hidden = note === null;
}
