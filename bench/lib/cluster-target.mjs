// A multi-process HTTP target for scaling measurements: N processes share one
// port (node:cluster) and answer every request with a small fixed body.
import cluster from 'node:cluster';
import { createServer } from 'node:http';

const procs = Number(process.argv[2] ?? 4);
const port = Number(process.argv[3] ?? 0);
if (cluster.isPrimary) {
  for (let i = 0; i < procs; i++) cluster.fork();
  let up = 0;
  cluster.on('listening', (_w, addr) => {
    if (++up === procs) console.log(addr.port);
  });
  const stop = () => { for (const w of Object.values(cluster.workers ?? {})) w?.kill(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  setTimeout(stop, 10 * 60_000).unref(); // bounded: never outlives a benchmark
} else {
  const body = Buffer.from('hello from the volley scaling target\n');
  createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  }).listen(port, '127.0.0.1');
}
