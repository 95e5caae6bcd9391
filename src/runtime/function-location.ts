import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where a scenario function is written (`shop.ts:12`), for naming the task a
 * blocked worker was running. V8 knows each function's position in the bundle
 * ([[FunctionLocation]], read through this thread's own inspector session,
 * which answers synchronously); the bundle's inline source map turns it into
 * the scenario's file and line. Called once per task, never on the hot path;
 * undefined whenever anything is missing.
 */
export class FunctionLocator {
  private session?: Session;
  private map?: SourceMap | null;

  constructor(private readonly bundlePath: string) {}

  /** `fn`'s file:line in the scenario; `anchor` (the user class) must be in the same script, the bundle, else undefined. */
  locate(fn: unknown, anchor: unknown): string | undefined {
    if (typeof fn !== 'function' || typeof anchor !== 'function') return undefined;
    try {
      const pos = this.positionInBundle(fn);
      const map = this.sourceMap();
      if (!pos || !map || pos.scriptId !== this.positionInBundle(anchor)?.scriptId) return undefined;
      const entry = map.findEntry(pos.lineNumber, pos.columnNumber) as { originalSource?: string; originalLine?: number };
      if (!entry?.originalSource || entry.originalLine === undefined) return undefined;
      // Sources in the map are relative to the bundle's folder.
      const source = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : resolve(dirname(this.bundlePath), entry.originalSource);
      return `${relative(process.cwd(), source) || source}:${entry.originalLine + 1}`;
    } catch {
      return undefined;
    }
  }

  private positionInBundle(fn: object): { scriptId: string; lineNumber: number; columnNumber: number } | undefined {
    if (!this.session) {
      this.session = new Session();
      this.session.connect();
    }
    const s = this.session;
    const key = '__volleyLocate';
    (globalThis as Record<string, unknown>)[key] = fn;
    let objectId: string | undefined;
    let pos: { scriptId: string; lineNumber: number; columnNumber: number } | undefined;
    try {
      s.post('Runtime.evaluate', { expression: `globalThis.${key}` }, (_e, r) => (objectId = r?.result?.objectId));
      if (!objectId) return undefined;
      s.post('Runtime.getProperties', { objectId, ownProperties: true }, (_e, r) => {
        pos = r?.internalProperties?.find((p) => p.name === '[[FunctionLocation]]')?.value?.value as typeof pos;
      });
      s.post('Runtime.releaseObject', { objectId });
    } finally {
      delete (globalThis as Record<string, unknown>)[key];
    }
    return pos;
  }

  private sourceMap(): SourceMap | undefined {
    if (this.map === undefined) {
      const m = /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/.exec(readFileSync(this.bundlePath, 'utf8'));
      this.map = m ? new SourceMap(JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8'))) : null;
    }
    return this.map ?? undefined;
  }
}
