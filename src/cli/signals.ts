/**
 * SIGINT and SIGTERM handlers, installed before anything else loads (bin/bench.js
 * imports this module first): Volley's modules take a moment to load, and a
 * signal meanwhile must not kill the process with nothing said. Until a run
 * claims the signals (`claimSignals`), one exits at once with 130 and a
 * message: nothing has run, nothing is lost. docs/exit-codes.md has the rules.
 */
import { ExitCode } from '../errors.js';

/** Gets each signal with how many came so far (1 for the first). */
export type SignalHandler = (signal: NodeJS.Signals, count: number) => void;

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
let handler: SignalHandler | undefined;
let count = 0;
let installed = false;

function onSignal(signal: NodeJS.Signals): void {
  count++;
  if (handler) return handler(signal, count);
  process.stderr.write(`\n${signal} before the run started: exiting, nothing ran\n`);
  process.exit(ExitCode.Interrupted);
}

/** Installs the handlers (once); importing this module does it. */
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) process.on(s, onSignal);
}

/** From now on signals go to `h`; the count goes on from signals already seen. */
export function claimSignals(h: SignalHandler): void {
  handler = h;
}

/** For commands with their own signal handling (bench mock, fleet): these handlers step aside. */
export function releaseSignals(): void {
  if (!installed) return;
  installed = false;
  for (const s of SIGNALS) process.off(s, onSignal);
}

installSignalHandlers();
