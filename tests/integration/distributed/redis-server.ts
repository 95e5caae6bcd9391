import { spawn, type ChildProcess } from 'node:child_process';
import { findBinary, freePort } from '../../helpers/local-binary.js';

/** Where Debian's redis-server is, if installed (.ci/run installs it). */
export function findRedisServer(): string | undefined {
  return findBinary('redis-server');
}

export { freePort };

export interface RedisProcess {
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** Starts a throw-away redis-server on 127.0.0.1 without persistence, and waits until it accepts connections. */
export async function startRedis(bin: string, port?: number): Promise<RedisProcess> {
  const p = port ?? (await freePort());
  const child: ChildProcess = spawn(bin, ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${out}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    port: p,
    url: `redis://127.0.0.1:${p}`,
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGKILL');
      }),
  };
}
