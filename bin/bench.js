#!/usr/bin/env node
// The signal handlers first, on their own: the CLI's modules take a moment to
// load, and a SIGTERM meanwhile must still exit cleanly (src/cli/signals.ts).
import '../dist/signals.js';
await import('../dist/cli.js');
