import type { LiveSnapshot } from '../../metrics/live-snapshot.js';
import type { RunSummary } from '../../metrics/summary-types.js';
import type { Reporter, RunStartInfo } from '../../metrics/reporter.js';
import { buildFrame, PANELS, type PanelId, type UiState } from './frame.js';
import { LiveHistory } from './history.js';
import { TuiScreen } from './screen.js';
import type { View } from './sections/types.js';
import { detachBlessedProcessHandlers, guardTerminal } from './terminal-guard.js';

export interface TuiReporterOptions {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  /** Formats the final summary, written to the normal screen once the TUI is gone. */
  formatFinal?: (summary: RunSummary) => string;
}

/** At most ten frames a second: snapshots and keys in between are drawn together. */
const FRAME_MS = 100;
const PAGE_ROWS = 10;

/**
 * The live terminal view of a run (docs/tui.md). onSnapshot only stores the
 * snapshot and pushes a few numbers: it runs on the thread that merges worker
 * data, so sorting, layout and drawing wait for the next frame.
 *
 * @example
 * const tui = createTuiReporter({ stdout: process.stdout, stdin: process.stdin, formatFinal: formatSummaryTable });
 */
export interface TuiReporter extends Reporter {
  /** Shows the screen now, with what the run is doing before its first figures ("bundling the scenario…"). */
  showPhase(text: string): void;
  /** Gives the terminal back without a final table (the run never started: a user error, or headless after all). */
  dispose(): void;
}

export function createTuiReporter(opts: TuiReporterOptions): TuiReporter {
  const view: View = { history: new LiveHistory(), endpoints: [], stagesDone: [] };
  const ui: UiState = { panel: 'overview', scroll: { overview: 0, endpoints: 0, problems: 0, llm: 0 }, help: false, runState: 'starting' };
  let screen: TuiScreen | undefined;
  let disposeGuard: (() => void) | undefined;
  /** Set by onRunEnd or a failure of the view itself: nothing is drawn after. */
  let closed = false;
  let stop: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastDrawAt = 0;
  let maxScroll = 0;
  let sortedFor: LiveSnapshot | undefined;

  function open(): void {
    if (screen || closed) return;
    try {
      screen = new TuiScreen(opts.stdout, opts.stdin);
      detachBlessedProcessHandlers();
      disposeGuard = guardTerminal(close);
      bindKeys(screen);
      screen.onResize(schedule);
      schedule();
    } catch (err) {
      fail(err);
    }
  }

  /** Restores the terminal. Safe to call any number of times, from any handler. */
  function close(): void {
    closed = true;
    if (timer) clearTimeout(timer);
    timer = undefined;
    disposeGuard?.();
    disposeGuard = undefined;
    const s = screen;
    screen = undefined;
    s?.destroy();
  }

  /** A bug in the view must not end the run: give the terminal back and carry on headless. */
  function fail(err: unknown): void {
    close();
    const reason = err instanceof Error ? err.message : String(err);
    opts.stdout.write(`volley: the live view failed and was closed (${reason}); the run goes on and its summary follows at the end\n`);
  }

  function schedule(): void {
    if (closed || !screen || timer) return;
    timer = setTimeout(draw, Math.max(0, lastDrawAt + FRAME_MS - Date.now()));
    // A pending frame must not keep the process alive once the engine is done.
    timer.unref();
  }

  function draw(): void {
    timer = undefined;
    if (closed || !screen) return;
    lastDrawAt = Date.now();
    try {
      const s = view.snapshot;
      if (s && sortedFor !== s) {
        view.endpoints = [...s.endpoints].sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name));
        sortedFor = s;
      }
      if (ui.runState !== 'stopping') ui.runState = s ? 'running' : 'starting';
      const frame = buildFrame(view, ui, screen.width, screen.height);
      maxScroll = frame.maxScroll;
      ui.scroll[ui.panel] = Math.min(ui.scroll[ui.panel], maxScroll);
      screen.draw(frame);
    } catch (err) {
      fail(err);
    }
  }

  function requestStop(): void {
    ui.runState = 'stopping';
    schedule();
    // Without a bound stop function, behave like the Ctrl-C the raw terminal swallowed.
    if (stop) stop();
    else process.kill(process.pid, 'SIGINT');
  }

  function showPanel(id: PanelId): void {
    ui.panel = id;
    schedule();
  }

  function scrollBy(rows: number): void {
    ui.scroll[ui.panel] = Math.max(0, Math.min(maxScroll, ui.scroll[ui.panel] + rows));
    schedule();
  }

  function bindKeys(s: TuiScreen): void {
    s.onKeys(['q', 'C-c'], requestStop);
    s.onKeys(['?'], () => {
      ui.help = !ui.help;
      schedule();
    });
    s.onKeys(PANELS.map((p) => p.key), (key) => showPanel(PANELS.find((p) => p.key === key)!.id));
    s.onKeys(['tab', 'right', 'S-tab', 'left'], (key) => {
      const step = key === 'tab' || key === 'right' ? 1 : PANELS.length - 1;
      const i = PANELS.findIndex((p) => p.id === ui.panel);
      showPanel(PANELS[(i + step) % PANELS.length].id);
    });
    s.onKeys(['up', 'k'], () => scrollBy(-1));
    s.onKeys(['down', 'j'], () => scrollBy(1));
    s.onKeys(['pageup'], () => scrollBy(-PAGE_ROWS));
    s.onKeys(['pagedown', 'space'], () => scrollBy(PAGE_ROWS));
    s.onKeys(['home', 'g'], () => scrollBy(-Infinity));
    s.onKeys(['end', 'S-g'], () => scrollBy(Infinity));
  }

  return {
    showPhase(text: string): void {
      if (closed) return;
      view.phase = text;
      if (screen) schedule();
      else open();
    },
    dispose: close,
    onRunStart(info: RunStartInfo): void {
      view.start = info;
      view.phase = 'workers ready: starting the load…';
      open();
      schedule();
    },
    onSnapshot(snapshot: LiveSnapshot): void {
      if (closed) return;
      view.snapshot = snapshot;
      view.history.push(snapshot);
      if (screen) schedule();
      else open();
    },
    onStageEnd(stage: string): void {
      view.stagesDone.push(stage);
      schedule();
    },
    onRunEnd(summary: RunSummary): void {
      close();
      if (!opts.formatFinal) return;
      const text = opts.formatFinal(summary);
      opts.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    bindStop(fn: () => void): void {
      stop = fn;
    },
  };
}
