/**
 * https targets go through undici, which a worker loads only when its users may
 * need it (clients/lazy-dispatcher.ts): an https host loads it before the users
 * start; an absolute https:// URL in a plain-HTTP run loads it on first use.
 * The server's certificate is a self-signed fixture, trusted via NODE_EXTRA_CA_CERTS.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import { bench } from '../helpers/bench-process.js';
import { SCENARIOS } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

const TLS = join(SCENARIOS, '..', 'tls');
let secure: Server;
let secureUrl: string;
let plain: TargetServer;
let tmp: string;
beforeAll(async () => {
  secure = createServer({ key: readFileSync(join(TLS, 'key.pem')), cert: readFileSync(join(TLS, 'cert.pem')) }, (_req, res) => {
    res.setHeader('x-tls', 'yes');
    res.end('{"items":[1,2,3]}');
  });
  await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
  secureUrl = `https://127.0.0.1:${(secure.address() as AddressInfo).port}`;
  plain = await startTargetServer();
  tmp = mkdtempSync(join(tmpdir(), 'volley-e2e-https-'));
});
afterAll(async () => {
  secure.closeAllConnections();
  await new Promise((r) => secure.close(r));
  await plain.close();
  rmSync(tmp, { recursive: true, force: true });
});

const env = () => ({ ...process.env, NODE_EXTRA_CA_CERTS: join(TLS, 'cert.pem'), VOLLEY_TEST_HTTPS: secureUrl });
const readSummary = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;

describe('https targets', { timeout: 60_000 }, () => {
  it('an https host: every request answered', async () => {
    const out = join(tmp, 'host');
    const r = await bench(['run', join(SCENARIOS, 'tagged.ts'), '-u', '2', '--iterations', '20', '-H', secureUrl, '--out', out], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const s = readSummary(out);
    expect(s.total.requests).toBeGreaterThanOrEqual(20);
    expect(s.total.failures).toBe(0);
  });

  it('an absolute https:// URL in a plain-HTTP run', async () => {
    const out = join(tmp, 'mixed');
    const r = await bench(['run', join(SCENARIOS, 'tls-mixed.ts'), '-u', '2', '--iterations', '10', '-H', plain.url, '--out', out], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const s = readSummary(out);
    expect(s.total.requests).toBe(20);
    expect(s.total.failures).toBe(0);
    expect(s.tasks.every((t) => !t.errors), JSON.stringify(s.tasks)).toBe(true);
  });
});
