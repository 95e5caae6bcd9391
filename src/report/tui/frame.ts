import { columns, frameCols, frameRows, stack, type Frame, type Placement, type SectionId, type StackItem } from './layout.js';
import { chartsWanted, llmCharts, loadCharts, renderCharts, sparklinesWanted } from './sections/charts.js';
import { endpointsWanted, renderEndpoints } from './sections/endpoints.js';
import { renderHeader, type RunState } from './sections/header.js';
import { healthWanted, renderHealth } from './sections/health.js';
import { llmRows, renderLlmStats } from './sections/llm.js';
import { errorsWanted, renderChecks, renderErrors, renderProblemsSummary, renderThresholds } from './sections/problems.js';
import type { SectionContent, View } from './sections/types.js';
import { esc, fit, paint, wrapWords } from './text.js';

export type PanelId = 'overview' | 'endpoints' | 'problems' | 'llm';

export const PANELS: ReadonlyArray<{ id: PanelId; key: string; name: string }> = [
  { id: 'overview', key: '1', name: 'Overview' },
  { id: 'endpoints', key: '2', name: 'Endpoints' },
  { id: 'problems', key: '3', name: 'Errors & checks' },
  { id: 'llm', key: '4', name: 'LLM' },
];

/** What the person at the keyboard has chosen, and where the run is. */
export interface UiState {
  panel: PanelId;
  /** Scroll offset of each panel's long list. */
  scroll: Record<PanelId, number>;
  help: boolean;
  runState: RunState;
}

export interface BoxFrame extends Placement {
  frame: Frame;
  label: string;
  lines: string[];
}

/** One screenful, computed without blessed so it can be tested as plain data. */
export interface ScreenFrame {
  header: string[];
  boxes: BoxFrame[];
  footer: string[];
  /** How far the current panel's list can scroll at this size. */
  maxScroll: number;
}

/** The list that the arrow keys scroll, per panel. */
const SCROLLS: Record<PanelId, SectionId | undefined> = { overview: 'endpoints', endpoints: 'endpoints', problems: 'errors', llm: undefined };

const HELP = 'tab, shift-tab or 1-4: switch panel · ↑↓ j k PgUp PgDn Home End: scroll · q or Ctrl-C: stop gracefully (press again to quit at once) · ?: hide help';

export function buildFrame(view: View, ui: UiState, width: number, height: number): ScreenFrame {
  const panelName = PANELS.find((p) => p.id === ui.panel)!.name;
  const header = renderHeader(view, width, panelName, ui.runState);
  const footer = renderFooter(ui, width);
  const frame: Frame = width >= 100 && height >= 32 ? 'box' : 'rule';
  const bodyTop = header.length;
  const bodyHeight = Math.max(0, height - header.length - footer.length);
  const placements = placePanel(ui.panel, view, frame, bodyTop, width, bodyHeight);
  let maxScroll = 0;
  const boxes = placements.map((p) => {
    const c = renderSection(p.id, view, ui, p.width - frameCols(frame), p.height - frameRows(frame));
    if (p.id === SCROLLS[ui.panel]) maxScroll = c.maxScroll ?? 0;
    return { ...p, frame, label: c.label, lines: c.lines };
  });
  return { header, boxes, footer, maxScroll };
}

function renderSection(id: SectionId, view: View, ui: UiState, width: number, height: number): SectionContent {
  const scroll = ui.scroll[ui.panel];
  switch (id) {
    case 'endpoints': return renderEndpoints(view, width, height, scroll);
    case 'charts': return renderCharts('Over time', loadCharts(view.history), width, height);
    case 'problemsSummary': return renderProblemsSummary(view, width, height);
    case 'health': return renderHealth(view, width, height);
    case 'llmStats': return renderLlmStats(view, width, height);
    case 'llmCharts': return renderCharts('LLM over time', llmCharts(view.history), width, height);
    case 'errors': return renderErrors(view, width, height, scroll);
    case 'checks': return renderChecks(view, width, height);
    case 'thresholds': return renderThresholds(view, width, height);
  }
}

function placePanel(panel: PanelId, view: View, frame: Frame, top: number, width: number, height: number): Placement[] {
  const s = view.snapshot;
  const wide = width >= 140;
  const thresholds = s?.thresholds?.length ?? 0;
  const checksRows = s && s.checks.length > 0 ? 1 : 0;
  switch (panel) {
    case 'overview': {
      const charts = loadCharts(view.history);
      if (wide) {
        // The charts take half of a wide terminal (they read better wide), the left column's spare rows go to the endpoint list.
        const [l, r] = columns(0, width, Math.max(56, Math.floor(width / 2)));
        const left: StackItem[] = [
          { id: 'endpoints', min: 3, want: endpointsWanted(view), grow: true },
          { id: 'problemsSummary', min: 1, want: Math.min(5, s?.errors.length ?? 0) + checksRows },
        ];
        if (thresholds) left.push({ id: 'thresholds', min: 1, want: thresholds });
        // LLM figures sit under the endpoints, so the charts have the right column's full height.
        if (s?.llm) left.push({ id: 'llmStats', min: llmRows(view), want: llmRows(view) });
        left.push({ id: 'health', min: 1, want: Math.min(9, healthWanted(view)), keep: 1 });
        const right: StackItem[] = [{ id: 'charts', min: sparklinesWanted(charts), want: chartsWanted(charts), grow: true }];
        return [...stack(left, frame, top, l.left, l.width, height), ...stack(right, frame, top, r.left, r.width, height)];
      }
      return stack(
        [
          { id: 'endpoints', min: 3, want: endpointsWanted(view), grow: true },
          { id: 'charts', min: 3, want: sparklinesWanted(charts) },
          { id: 'health', min: 1, want: frame === 'box' ? Math.min(6, healthWanted(view)) : 1 },
          { id: 'problemsSummary', min: 1, want: Math.min(2, s?.errors.length ?? 0) + checksRows },
        ],
        frame, top, 0, width, height,
      );
    }
    case 'endpoints':
      return stack([{ id: 'endpoints', min: 1, want: endpointsWanted(view), grow: true }], frame, top, 0, width, height);
    case 'problems': {
      const errors: StackItem = { id: 'errors', min: 2, want: errorsWanted(view), grow: true };
      const checks: StackItem = { id: 'checks', min: 1, want: (s?.checks.length ?? 0) + 1 };
      const side: StackItem[] = thresholds ? [checks, { id: 'thresholds', min: 1, want: thresholds }] : [checks];
      if (wide) {
        const [l, r] = columns(0, width, 64);
        return [
          ...stack([errors], frame, top, l.left, l.width, height),
          ...stack(side, frame, top, r.left, r.width, height),
        ];
      }
      return stack([errors, ...side.map((it) => ({ ...it, want: Math.min(it.want, 8) }))], frame, top, 0, width, height);
    }
    case 'llm': {
      const statsRows = llmRows(view);
      if (!s?.llm) return stack([{ id: 'llmStats', min: 1, want: 1 }], frame, top, 0, width, height);
      if (wide) {
        const [l, r] = columns(0, width, width - 60);
        return [
          ...stack([{ id: 'llmStats', min: statsRows, want: statsRows, grow: true }], frame, top, l.left, l.width, height),
          ...stack([{ id: 'llmCharts', min: 2, want: 12, grow: true }], frame, top, r.left, r.width, height),
        ];
      }
      return stack(
        [
          { id: 'llmStats', min: Math.min(3, statsRows), want: statsRows },
          { id: 'llmCharts', min: 2, want: 12, grow: true },
        ],
        frame, top, 0, width, height,
      );
    }
  }
}

/** Panel tabs, and the state of a stop; with help on, a line of keys above them. */
function renderFooter(ui: UiState, width: number): string[] {
  const tabs = PANELS.map((p) => {
    const text = ` ${p.key} ${p.name} `;
    return p.id === ui.panel ? paint('black-fg white-bg bold', text) : text;
  }).join(' ');
  const tabsWidth = PANELS.reduce((n, p) => n + p.name.length + 5, -1);
  const room = Math.max(0, width - tabsWidth - 1);
  const wideFooter = room >= 64;
  const right =
    ui.runState === 'stopping'
      ? paint('yellow-fg bold', fit(wideFooter ? 'stopping: finishing in-flight requests · q again quits at once' : 'stopping · q: quit now', room, 'right'))
      : esc(fit(wideFooter ? 'tab: panels · ↑↓: scroll · ?: help · q: stop' : '? help · q stop', room, 'right'));
  const lines = [`${tabs} ${right}`];
  if (ui.help) lines.unshift(...wrapWords(HELP, width).map((l) => paint('cyan-fg', l)));
  return lines;
}
