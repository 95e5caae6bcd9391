import blessed from 'blessed';
import type { BoxFrame, ScreenFrame } from './frame.js';
import type { Frame, SectionId } from './layout.js';
import { fit, paint } from './text.js';

/**
 * The only file that talks to blessed: it owns the terminal, and turns a
 * ScreenFrame (plain data) into positioned boxes.
 */
export class TuiScreen {
  private readonly screen: blessed.Widgets.Screen;
  private readonly header: blessed.Widgets.BoxElement;
  private readonly footer: blessed.Widgets.BoxElement;
  private readonly boxes = new Map<SectionId, { box: blessed.Widgets.BoxElement; frame: Frame }>();
  private destroyed = false;

  constructor(stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream) {
    this.screen = createScreen(stdout, stdin);
    // Everything is drawn in UTF-8 (forceUnicode), so borders are too, rather than
    // in the terminal's line-drawing charset: captures and copied text then show
    // real lines instead of 'lqqk'.
    (this.screen as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
    this.header = blessed.box({ parent: this.screen, top: 0, left: 0, width: '100%', height: 3, tags: true, wrap: false });
    this.footer = blessed.box({ parent: this.screen, bottom: 0, left: 0, width: '100%', height: 1, tags: true, wrap: false });
  }

  get width(): number {
    return Number(this.screen.width);
  }

  get height(): number {
    return Number(this.screen.height);
  }

  onKeys(keys: string[], handler: (name: string) => void): void {
    this.screen.key(keys, (_ch, key) => handler(key.full ?? key.name));
  }

  onResize(handler: () => void): void {
    this.screen.on('resize', handler);
  }

  draw(f: ScreenFrame): void {
    if (this.destroyed) return;
    this.header.height = f.header.length;
    this.header.setContent(f.header.join('\n'));
    this.footer.height = f.footer.length;
    this.footer.setContent(f.footer.join('\n'));
    const shown = new Set<SectionId>();
    for (const b of f.boxes) {
      shown.add(b.id);
      this.place(b);
    }
    for (const [id, { box }] of this.boxes) if (!shown.has(id)) box.hide();
    this.screen.render();
  }

  private place(b: BoxFrame): void {
    let entry = this.boxes.get(b.id);
    if (entry && entry.frame !== b.frame) {
      entry.box.destroy();
      entry = undefined;
    }
    if (!entry) {
      entry = { box: createBox(this.screen, b.frame), frame: b.frame };
      this.boxes.set(b.id, entry);
    }
    const { box } = entry;
    box.top = b.top;
    box.left = b.left;
    box.width = b.width;
    box.height = b.height;
    if (b.frame === 'box') {
      box.setLabel({ text: ` ${paint('bold', b.label)} `, side: 'left' });
      box.setContent(b.lines.join('\n'));
    } else {
      box.setContent([rule(b.label, b.width), ...b.lines].join('\n'));
    }
    box.show();
  }

  /** Leaves the alternate screen and gives the terminal back (raw mode off, cursor shown). Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.screen.destroy();
  }
}

/** A label on a horizontal line, for boxes drawn without a full border. */
function rule(label: string, width: number): string {
  const text = fit(label, Math.max(0, width - 4)).trimEnd();
  return `${paint('blue-fg', '── ')}${paint('bold', text)} ${paint('blue-fg', '─'.repeat(Math.max(0, width - 4 - text.length)))}`;
}

function createBox(screen: blessed.Widgets.Screen, frame: Frame): blessed.Widgets.BoxElement {
  return blessed.box({
    parent: screen,
    tags: true,
    // Long lines are cut at the border, never wrapped into the next row.
    wrap: false,
    ...(frame === 'box' ? { border: { type: 'line' }, style: { border: { fg: 'blue' } } } : {}),
  });
}

function createScreen(stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream): blessed.Widgets.Screen {
  // blessed prints parse noise to stderr for some current terminfo entries
  // (screen-256color, for one) and then falls back to its own entry; keep that
  // noise out of the user's scrollback.
  const consoleError = console.error;
  console.error = () => {};
  try {
    return blessed.screen({
      input: stdin,
      output: stdout,
      smartCSR: true,
      // The charts are block characters; terminals that cannot show them are rare,
      // and blessed's detection (from LANG) is often wrong in containers.
      forceUnicode: true,
      title: 'volley',
      warnings: false,
      autoPadding: true,
    });
  } finally {
    console.error = consoleError;
  }
}
