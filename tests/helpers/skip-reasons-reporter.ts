import type { Reporter, TestModule } from 'vitest/node';

/**
 * The default reporter counts skipped tests but does not say why. This one
 * ends the run with one line per skipped group: the file, and the suite's or
 * test's title, which carries the reason (`… (skipped: redis-server not found;
 * apt-get install -y redis-server)`), or the note given to `ctx.skip(note)`.
 */
export default class SkipReasonsReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const groups = new Map<string, number>();
    for (const m of modules) {
      for (const t of m.children.allTests('skipped')) {
        const r = t.result();
        const note = r.state === 'skipped' ? r.note : undefined;
        const suite = topSuiteName(t);
        // Tests left out by a name filter (-t) or .only carry no reason: not listed.
        const why = note ?? (suite && /\(skipped: /.test(suite) ? suite : /\(skipped: /.test(t.name) ? t.fullName : undefined);
        if (why === undefined) continue;
        const key = `${m.relativeModuleId}: ${why}`;
        groups.set(key, (groups.get(key) ?? 0) + 1);
      }
    }
    if (groups.size === 0) return;
    const lines = [...groups].map(([key, n]) => `  ${key}${n > 1 ? ` (${n} tests)` : ''}`);
    process.stdout.write(`\nSkipped, and why:\n${lines.join('\n')}\n`);
  }
}

function topSuiteName(t: { parent: unknown }): string | undefined {
  let p = t.parent as { type?: string; name?: string; parent?: unknown } | undefined;
  let name: string | undefined;
  while (p && p.type === 'suite') {
    name = p.name;
    p = p.parent as typeof p;
  }
  return name;
}
