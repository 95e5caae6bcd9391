import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runScenario, type RunRequest, type RunResult } from '../../src/cli/run.js';

export const SCENARIOS = fileURLToPath(new URL('../fixtures/scenarios/', import.meta.url));

/** A stream that keeps what is written to it. */
export function captureStream(): Writable & { text(): string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return Object.assign(w, { text: () => chunks.join('') });
}

export interface FixtureRun extends RunResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a fixture of tests/fixtures/scenarios (or a scenario at an absolute path) through the programmatic API (real
 * workers from dist/), headless, with the output captured.
 */
export async function runFixture(scenario: string, options: Record<string, unknown>, extra: Partial<RunRequest> = {}): Promise<FixtureRun> {
  const stdout = captureStream();
  const stderr = captureStream();
  const result = await runScenario({ scenario: resolve(SCENARIOS, scenario), options: { headless: true, seed: 1, ...options }, ...extra }, { stdout, stderr });
  return { ...result, stdout: stdout.text(), stderr: stderr.text() };
}

/** Runs a fixture that must fail before the run; returns the error. */
export async function runFixtureError(scenario: string, options: Record<string, unknown>, extra: Partial<RunRequest> = {}): Promise<Error & { code?: string; hint?: string }> {
  try {
    await runFixture(scenario, options, extra);
  } catch (err) {
    return err as Error & { code?: string; hint?: string };
  }
  throw new Error(`expected ${scenario} to fail before the run`);
}
