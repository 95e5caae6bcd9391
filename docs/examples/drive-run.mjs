// Starts a run from Node, watches its live snapshots, raises the users
// mid-run, and stops it: the API that `bench run`, the TUI and the web UI use.
//   npm run build && node docs/examples/drive-run.mjs
// (in your own project: npm install volley, then the same import.)
import { startRun } from 'volley/run';

const run = await startRun({
  scenario: 'scenarios/chat.ts',
  // The options of `bench run`, by their config names; host 'mock' starts the built-in mock LLM server.
  options: { users: 2, duration: '30s', host: 'mock', headless: true, out: 'results/drive-run' },
});

let raised = false;
for await (const s of run.snapshots()) {
  console.log(`${(s.elapsedMs / 1000).toFixed(1)} s  ${s.users} users  ${s.interval.rps.toFixed(1)} req/s  ${s.total.requests} requests`);
  if (!raised && s.elapsedMs > 3000) {
    // Four more users, started at 2 per second in the scenario's class mix.
    run.setUsers(6, 2);
    raised = true;
  }
  if (s.elapsedMs > 8000) run.stop('seen enough');
}

const { exitCode, summary } = await run.done;
console.log(`exit code ${exitCode}: ${summary.total.requests} requests; actions:`, summary.actions);
process.exitCode = exitCode;
