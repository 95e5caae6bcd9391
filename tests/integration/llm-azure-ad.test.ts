import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LLMUser } from '../../src/api/llm.js';
import { createLlmClient } from '../../src/clients/llm/client.js';
import type { ClientContext } from '../../src/clients/context.js';
import { SocketPool } from '../../src/clients/wire/socket-pool.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { MOCK_AZURE_CLIENT_ID, MOCK_AZURE_CLIENT_SECRET } from '../../src/mock/cloud-auth.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { seededRandom } from '../../src/util/random.js';
import { startHostileServer } from '../helpers/hostile-servers.js';
import { clientContext } from '../helpers/client-context.js';

// The azure provider with Entra ID: tokens from the mock's Entra token
// endpoint (client-credentials grant), sent as bearer tokens the mock checks
// (issued by it, not expired), and fetched again when they expire.

const ENV_KEYS = ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_AUTHORITY_HOST', 'AZURE_OPENAI_AD_TOKEN', 'AZURE_OPENAI_API_KEY'];
const savedEnv: Record<string, string | undefined> = {};

let mock: MockServer;
const agent = new Agent({ keepAliveTimeout: 10_000 });
const sockets = new SocketPool();
const TRANSPORTS = ['socket', 'undici'] as const;
let transport: (typeof TRANSPORTS)[number] = 'socket';

beforeAll(async () => {
  for (const k of ENV_KEYS) {
    savedEnv[k] = process.env[k];
    delete process.env[k];
  }
  // Issued tokens live 1 s (refreshed 0.1 s early): a request after that needs a new one.
  mock = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1, googleTokenTtlMs: 1000 });
});

afterAll(async () => {
  await mock.close();
  await agent.close();
  sockets.close();
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

function setup(fields: Partial<LLMUser>) {
  const user = Object.assign(new (class AzureUser extends LLMUser {})(), { provider: 'azure', model: 'gpt-4o-mini', traffic: 'D(20,5)' }, fields);
  return createLlmClient(user, clientContext({ dispatcher: agent, sockets: transport === 'socket' ? sockets : undefined, baseUrl: mock.url }));
}

/** Entra credentials for the mock; each test a tenant of its own, so no token is shared across tests. */
function entraEnv(tenant: string, secret = MOCK_AZURE_CLIENT_SECRET): void {
  process.env.AZURE_TENANT_ID = tenant;
  process.env.AZURE_CLIENT_ID = MOCK_AZURE_CLIENT_ID;
  process.env.AZURE_CLIENT_SECRET = secret;
  process.env.AZURE_AUTHORITY_HOST = mock.url;
}

describe.each(TRANSPORTS)('azure provider with Entra ID tokens (%s)', (t) => {
  beforeEach(() => {
    transport = t;
    delete process.env.AZURE_OPENAI_AD_TOKEN;
    delete process.env.AZURE_OPENAI_API_KEY;
  });

  it('fetches a token once, sends it as a bearer token, and reuses it while it is fresh', async () => {
    entraEnv(`tenant-a-${t}`);
    const llm = setup({ providerOptions: { azureAd: true } });
    const before = mock.tokensIssued();
    const [a, b] = await Promise.all([llm.chat(), llm.chat()]);
    expect(a.error).toBeUndefined();
    expect(b.error).toBeUndefined();
    expect(a.outputTokens).toBe(5);
    // Both requests waited on the one fetch in flight.
    expect(mock.tokensIssued() - before).toBe(1);
  });

  it('fetches a new token once the first has expired', async () => {
    entraEnv(`tenant-b-${t}`);
    const llm = setup({ providerOptions: { azureAd: true } });
    const before = mock.tokensIssued();
    expect((await llm.chat()).error).toBeUndefined();
    // Past the 1 s life of the first token: the mock refuses it, so only a new one passes.
    await new Promise((r) => setTimeout(r, 1200));
    const second = await llm.chat();
    expect(second.error).toBeUndefined();
    expect(mock.tokensIssued() - before).toBe(2);
  });

  it('a wrong client secret fails requests as auth, and the secret is never in the error', async () => {
    const secret = 'wrong-secret-4242';
    entraEnv(`tenant-c-${t}`, secret);
    const r = await setup({ providerOptions: { azureAd: true } }).chat();
    expect(r.errorKind).toBe('auth');
    expect(r.error).toContain('invalid_client');
    expect(JSON.stringify(r)).not.toContain(secret);
  });

  it('missing Entra variables fail requests as auth, naming them', async () => {
    for (const k of ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']) delete process.env[k];
    const r = await setup({ providerOptions: { azureAd: true } }).chat();
    expect(r.errorKind).toBe('auth');
    expect(r.error).toContain('AZURE_TENANT_ID');
  });

  it('AZURE_OPENAI_AD_TOKEN is sent as is: a token the mock never issued is 401, and never in the error', async () => {
    process.env.AZURE_OPENAI_AD_TOKEN = 'not-an-issued-token-777';
    const r = await setup({}).chat();
    expect(r.status).toBe(401);
    expect(r.errorKind).toBe('auth');
    expect(JSON.stringify(r)).not.toContain('not-an-issued-token-777');
  });

  it('a static AZURE_OPENAI_AD_TOKEN that the endpoint issued passes; the api-key header still works', async () => {
    entraEnv(`tenant-d-${t}`);
    const res = await fetch(`${mock.url}/tenant-d/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: MOCK_AZURE_CLIENT_ID, client_secret: MOCK_AZURE_CLIENT_SECRET, scope: 'https://cognitiveservices.azure.com/.default' }),
    });
    const { access_token: token } = (await res.json()) as { access_token: string };
    process.env.AZURE_OPENAI_AD_TOKEN = token;
    const r = await setup({}).chat();
    expect(r.error).toBeUndefined();
    expect(JSON.stringify(r)).not.toContain(token);
    delete process.env.AZURE_OPENAI_AD_TOKEN;
    process.env.AZURE_OPENAI_API_KEY = 'any-key';
    expect((await setup({}).chat()).error).toBeUndefined();
  });
});

describe("the mock's Entra token endpoint", () => {
  const form = (fields: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(fields) });
  const chat = (headers: Record<string, string>) =>
    fetch(`${mock.url}/openai/deployments/d/chat/completions?api-version=2024-10-21`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }) });

  it('refuses other grants and unknown clients; an issued token passes until it expires, then is 401', async () => {
    const url = `${mock.url}/any-tenant/oauth2/v2.0/token`;
    expect((await fetch(url, form({ grant_type: 'password' }))).status).toBe(400);
    expect((await fetch(url, form({ grant_type: 'client_credentials', client_id: MOCK_AZURE_CLIENT_ID, client_secret: 'nope' }))).status).toBe(401);
    const res = await fetch(url, form({ grant_type: 'client_credentials', client_id: MOCK_AZURE_CLIENT_ID, client_secret: MOCK_AZURE_CLIENT_SECRET }));
    const { access_token: token, expires_in: expiresIn } = (await res.json()) as { access_token: string; expires_in: number };
    expect(expiresIn).toBe(1);
    expect((await chat({ authorization: `Bearer ${token}` })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await chat({ authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await chat({ authorization: 'Basic abc' })).status).toBe(401);
    expect((await chat({ 'api-key': 'any-key' })).status).toBe(200);
  });
});

describe('a token endpoint that never answers', () => {
  it('fails each request as timeout within its own deadline, and the stop ends the wait at once', async () => {
    const server = await startHostileServer('never-answers');
    try {
      process.env.AZURE_TENANT_ID = 'tenant-silent';
      process.env.AZURE_CLIENT_ID = MOCK_AZURE_CLIENT_ID;
      process.env.AZURE_CLIENT_SECRET = MOCK_AZURE_CLIENT_SECRET;
      process.env.AZURE_AUTHORITY_HOST = server.url;
      transport = 'socket';
      const user = Object.assign(new (class AzureUser extends LLMUser {})(), { provider: 'azure', model: 'm', traffic: 'D(20,5)', providerOptions: { azureAd: true } });
      const stop = new AbortController();
      const ctx: ClientContext = { recorder: new MetricsRecorder(), dispatcher: agent, sockets, baseUrl: mock.url, requestTimeoutMs: 300, random: seededRandom(1), hardStop: stop.signal, options: {} };
      const llm = createLlmClient(user, ctx);
      const r = await llm.chat();
      expect(r.errorKind).toBe('timeout');
      expect(r.error).toMatch(/no credentials from the provider's auth within 300 ms/);
      expect(r.error).not.toContain(MOCK_AZURE_CLIENT_SECRET);
      // The stop cuts the wait short: recorded as aborted, not as a failure.
      const pending = llm.chat({ timeoutMs: 60_000 });
      stop.abort();
      expect((await pending).errorKind).toBe('aborted');
    } finally {
      await server.close();
    }
  });
});
