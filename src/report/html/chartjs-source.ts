import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * Chart.js's UMD build, inlined into report.html so the report opens offline.
 * The package's exports do not list the UMD file, so we resolve the package entry
 * (dist/chart.cjs) and take its sibling. The source-map comment is dropped: a
 * browser's devtools would otherwise try to fetch it.
 */
export function chartJsSource(): string {
  if (cached === undefined) {
    const entry = createRequire(import.meta.url).resolve('chart.js');
    const source = readFileSync(join(dirname(entry), 'chart.umd.js'), 'utf8');
    // "</script" cannot occur in an inline script; "<\/script" means the same to JS.
    cached = source.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n').replace(/<\/script/gi, '<\\/script');
  }
  return cached;
}
