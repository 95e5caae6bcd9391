import type { LiveSnapshot } from '../../../metrics/live-snapshot.js';
import type { EndpointSummary } from '../../../metrics/summary-types.js';
import type { RunStartInfo } from '../../../metrics/reporter.js';
import type { LiveHistory } from '../history.js';

/** Everything a section may draw from. Sections are pure: (view, size) → lines. */
export interface View {
  start?: RunStartInfo;
  snapshot?: LiveSnapshot;
  history: LiveHistory;
  /** The endpoints sorted by requests, most first (sorted once per snapshot, at draw time). */
  endpoints: EndpointSummary[];
  /** Stages of a sweep that have ended, in order. */
  stagesDone: string[];
  /** What the run is doing before its first figures: bundling the scenario, starting workers. */
  phase?: string;
}

/** What a section draws into its box: a label for the border and tagged lines. */
export interface SectionContent {
  label: string;
  lines: string[];
  /** For scrollable sections: how far down the list can scroll at this size. */
  maxScroll?: number;
}

export const WAITING = 'waiting for the first figures…';
