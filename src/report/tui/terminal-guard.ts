import blessed from 'blessed';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGQUIT'];

/**
 * Gives the terminal back however the process ends: a normal exit or
 * process.exit (the engine's "second Ctrl-C quits at once"), an uncaught error
 * (restored before Node or the engine prints it, so the message lands on the
 * normal screen), or a signal that nothing else handles. Returns the function
 * that removes the guard.
 */
export function guardTerminal(restore: () => void): () => void {
  const onExit = (): void => restore();
  // The monitor runs before any 'uncaughtException' handler and, unlike one,
  // does not change whether the process dies.
  const onCrash = (): void => restore();
  const onSignal = (signal: NodeJS.Signals): void => {
    // With another listener (the engine's graceful stop) the run goes on and ends in onRunEnd.
    if (process.listenerCount(signal) > 1) return;
    restore();
    dispose();
    // Re-raised with no listener left, the signal takes its default action, so
    // the exit status still says which signal ended the process.
    process.kill(process.pid, signal);
  };
  process.on('exit', onExit);
  process.on('uncaughtExceptionMonitor', onCrash);
  for (const s of SIGNALS) process.on(s, onSignal);
  function dispose(): void {
    process.off('exit', onExit);
    process.off('uncaughtExceptionMonitor', onCrash);
    for (const s of SIGNALS) process.off(s, onSignal);
  }
  return dispose;
}

/**
 * blessed installs process-wide handlers when a screen is created: on SIGINT,
 * SIGTERM and SIGQUIT it calls process.exit(0) when it is the only listener,
 * and it turns uncaught errors into its own exit. Signals and errors belong to
 * the engine, and guardTerminal restores the terminal without them, so they
 * are taken off again.
 */
export function detachBlessedProcessHandlers(): void {
  const statics = (blessed as unknown as { Screen?: Record<string, unknown> }).Screen ?? {};
  const handlers: Array<[string, string]> = [
    ['SIGINT', '_sigintHandler'],
    ['SIGTERM', '_sigtermHandler'],
    ['SIGQUIT', '_sigquitHandler'],
    ['uncaughtException', '_exceptionHandler'],
  ];
  for (const [event, key] of handlers) {
    const fn = statics[key];
    if (typeof fn === 'function') process.off(event, fn as (...args: unknown[]) => void);
  }
}
