import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingScenarioHint } from '../../../src/compile/bundle.js';

/** A project outside Volley's repository: no scenarios/quickstart.ts there. */
function project(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'volley-project-'));
  for (const f of files) writeFileSync(join(dir, f), '');
  return dir;
}

describe('missingScenarioHint', () => {
  it('the same name with an extension', () => {
    const dir = project(['load.ts']);
    expect(missingScenarioHint(join(dir, 'load'))).toMatch(/^did you mean .*load\.ts\?$/);
  });

  it("the folder's scenarios, the closest name first, never Volley's own quickstart", () => {
    const dir = project(['a.ts', 'checkout-flow.ts', 'bench.config.ts', 'types.d.ts', 'notes.md']);
    const hint = missingScenarioHint(join(dir, 'checkout.ts'));
    expect(hint).toMatch(/has .*checkout-flow\.ts, .*a\.ts$/);
    expect(hint).not.toContain('bench.config');
    expect(hint).not.toContain('types.d.ts');
    expect(hint).not.toContain('quickstart');
  });

  it('a folder that does not exist, or has no scenario', () => {
    const dir = project([]);
    expect(missingScenarioHint(join(dir, 'nope', 'x.ts'))).toBe(`the folder ${join(dir, 'nope')} does not exist: check the path (relative paths are read from ${process.cwd()})`);
    mkdirSync(join(dir, 'empty'));
    expect(missingScenarioHint(join(dir, 'empty', 'x.ts'))).toBe(`${join(dir, 'empty')} has no .ts or .js file: give the path of a scenario file`);
  });
});
