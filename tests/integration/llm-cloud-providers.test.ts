import { generateKeyPairSync, createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LLMUser } from '../../src/api/llm.js';
import { createLlmClient } from '../../src/clients/llm/client.js';
import { SocketPool } from '../../src/clients/wire/socket-pool.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { MOCK_AWS_CREDENTIALS, MOCK_GOOGLE_REFRESH_TOKEN, MOCK_GOOGLE_TOKEN } from '../../src/mock/cloud-auth.js';
import { clientContext } from '../helpers/client-context.js';

// Every cloud provider against its mock dialect, over a real socket: the
// mock recomputes SigV4 with the SDK's signer, verifies OCI's signature with
// the public key, and checks Google tokens it issued (and their expiry).

const TTFT_MS = 30;
const ITL_MS = 2;
const ENV_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_EC2_METADATA_DISABLED', 'AWS_BEARER_TOKEN_BEDROCK', 'VERTEX_ACCESS_TOKEN', 'GOOGLE_APPLICATION_CREDENTIALS', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'];
const savedEnv: Record<string, string | undefined> = {};

let mock: MockServer;
let dir: string;
let ociConfig: string;
let otherOciConfig: string;
let googleUserCredentials: string;
const agent = new Agent({ keepAliveTimeout: 10_000 });
const sockets = new SocketPool();
const TRANSPORTS = ['socket', 'undici'] as const;
let transport: (typeof TRANSPORTS)[number] = 'socket';

function ociKeyFiles(name: string): { configFile: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const keyFile = join(dir, `${name}.pem`);
  writeFileSync(keyFile, privateKey);
  const fingerprint = createHash('md5').update(Buffer.from(publicKey.replace(/-----[^-]+-----|\s/g, ''), 'base64')).digest('hex').match(/../g)!.join(':');
  const configFile = join(dir, `${name}.config`);
  writeFileSync(configFile, `[DEFAULT]\nuser=ocid1.user.oc1..mock\nfingerprint=${fingerprint}\ntenancy=ocid1.tenancy.oc1..mock\nregion=us-chicago-1\nkey_file=${keyFile}\n`);
  return { configFile, publicKey };
}

beforeAll(async () => {
  for (const k of ENV_KEYS) {
    savedEnv[k] = process.env[k];
    delete process.env[k];
  }
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  // No shared AWS files of this machine: the chain must find the environment's pair.
  dir = mkdtempSync(join(tmpdir(), 'volley-cloud-'));
  process.env.AWS_CONFIG_FILE = join(dir, 'aws-config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'aws-credentials');
  const oci = ociKeyFiles('oci');
  ociConfig = oci.configFile;
  otherOciConfig = ociKeyFiles('other').configFile;
  googleUserCredentials = join(dir, 'adc.json');
  writeFileSync(googleUserCredentials, JSON.stringify({ type: 'authorized_user', client_id: 'mock-client', client_secret: 'mock-client-secret', refresh_token: MOCK_GOOGLE_REFRESH_TOKEN }));
  // Issued tokens live 1.5 s: a run longer than that needs a refreshed one.
  mock = await startMockServer({ port: 0, ttftMs: TTFT_MS, itlMs: ITL_MS, ociPublicKey: oci.publicKey, googleTokenTtlMs: 1500 });
});

afterAll(async () => {
  await mock.close();
  await agent.close();
  sockets.close();
  rmSync(dir, { recursive: true, force: true });
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

function setup(fields: Partial<LLMUser>) {
  const user = Object.assign(new (class CloudUser extends LLMUser {})(), { model: 'm', traffic: 'D(60,12)' }, fields);
  const ctx = clientContext({ dispatcher: agent, sockets: transport === 'socket' ? sockets : undefined, baseUrl: mock.url });
  return { llm: createLlmClient(user, ctx), recorder: ctx.recorder };
}

function awsEnv(secret = MOCK_AWS_CREDENTIALS.secretAccessKey): void {
  process.env.AWS_ACCESS_KEY_ID = MOCK_AWS_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = secret;
}

describe.each(TRANSPORTS)('cloud providers against their mock dialects (%s)', (t) => {
  beforeEach(() => {
    transport = t;
    mock.clearGroundTruth();
  });

  it('bedrock: ConverseStream, SigV4-signed, decoded from the binary event stream, with every LLM metric', async () => {
    awsEnv();
    const { llm, recorder } = setup({ provider: 'bedrock', model: 'anthropic.claude-3-haiku-20240307-v1:0', providerOptions: { region: 'us-west-2' } });
    const r = await llm.chat();
    expect(r.error).toBeUndefined();
    expect(r.outputTokens).toBe(12);
    expect(r.inputTokens).toBe(60);
    expect(r.usageSource).toBe('server');
    expect(r.ttftMs!).toBeGreaterThanOrEqual(TTFT_MS);
    expect(r.itlMs).toHaveLength(11);
    expect(r.tpotMs).toBeGreaterThan(0);
    expect(r.finishReason).toBe('max_tokens');
    const [truth] = mock.groundTruth();
    expect(truth!.path).toBe('/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream');
    expect(recorder.takeDelta().endpoints[0]).toMatchObject({ name: '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream', requests: 1, failures: 0 });
    const whole = await llm.chat({ stream: false });
    expect(whole.error).toBeUndefined();
    expect(whole.outputTokens).toBe(12);
    expect(whole.finishReason).toBe('max_tokens');
  });

  it('bedrock: a wrong secret key is refused with 403, an auth failure, and the secret is nowhere in the result', async () => {
    awsEnv('wrong-secret-0123456789');
    const { llm, recorder } = setup({ provider: 'bedrock' });
    const r = await llm.chat();
    expect(r.status).toBe(403);
    expect(r.errorKind).toBe('auth');
    expect(r.error).toMatch(/signature we calculated does not match/);
    expect(JSON.stringify(r)).not.toContain('wrong-secret-0123456789');
    expect(recorder.takeDelta().counters['llm.errors.auth']).toBe(1);
    awsEnv();
  });

  it('bedrock with no AWS credentials anywhere, oci with no config file: each request fails as auth, saying why', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    // A region of its own: the signer of each region is kept per thread, with the credentials it found.
    const r = await setup({ provider: 'bedrock', providerOptions: { region: `eu-north-${t}` } }).llm.chat();
    expect(r.errorKind).toBe('auth');
    expect(r.error).toMatch(/^auth: .*credentials/i);
    expect(mock.groundTruth()).toHaveLength(0); // nothing unsigned was sent
    const o = await setup({ provider: 'oci', providerOptions: { configFile: join(dir, 'missing-oci-config'), compartmentId: 'c' } }).llm.chat();
    expect(o.errorKind).toBe('auth');
    expect(o.error).toMatch(/^auth: /);
    awsEnv();
  });

  it('vertex: streamGenerateContent?alt=sse with a fixed token; thoughts are reasoning; a wrong token is 401', async () => {
    process.env.VERTEX_ACCESS_TOKEN = MOCK_GOOGLE_TOKEN;
    try {
      const { llm } = setup({ provider: 'vertex', model: 'gemini-2.0-flash', providerOptions: { project: 'p1', location: 'europe-west4' } });
      const r = await llm.chat();
      expect(r.error).toBeUndefined();
      expect(r.outputTokens).toBe(12);
      expect(r.itlMs).toHaveLength(11);
      expect(r.finishReason).toBe('MAX_TOKENS');
      expect(mock.groundTruth()[0]!.path).toBe('/v1/projects/p1/locations/europe-west4/publishers/google/models/gemini-2.0-flash:streamGenerateContent');
      const openai = await setup({ provider: 'vertex-openai', model: 'google/gemini-2.0-flash', providerOptions: { project: 'p1' } }).llm.chat();
      expect(openai.error).toBeUndefined();
      expect(openai.outputTokens).toBe(12);
      process.env.VERTEX_ACCESS_TOKEN = 'not-a-valid-token-987';
      const bad = await setup({ provider: 'vertex', providerOptions: { project: 'p1' } }).llm.chat();
      expect(bad.status).toBe(401);
      expect(bad.errorKind).toBe('auth');
      expect(JSON.stringify(bad)).not.toContain('not-a-valid-token-987');
    } finally {
      delete process.env.VERTEX_ACCESS_TOKEN;
    }
  });

  it("vertex: tokens from Google's auth library (user credentials, the mock's token endpoint) are refreshed when they expire", async () => {
    const { llm } = setup({ provider: 'vertex', model: 'gemini-2.0-flash', providerOptions: { project: 'p1', credentialsFile: googleUserCredentials, tokenUrl: `${mock.url}/token` } });
    const before = mock.tokensIssued();
    const first = await llm.chat();
    expect(first.error).toBeUndefined();
    // Past the 1.5 s life of the first token: the mock refuses it, so only a new one passes.
    await new Promise((r) => setTimeout(r, 1700));
    const second = await llm.chat();
    expect(second.error).toBeUndefined();
    expect(mock.tokensIssued() - before).toBeGreaterThanOrEqual(2);
  });

  it("oci: signed by OCI's SDK with the config file's key; another key is refused with 401", async () => {
    const { llm } = setup({ provider: 'oci', model: 'meta.llama-3.3-70b-instruct', providerOptions: { configFile: ociConfig, compartmentId: 'ocid1.compartment.oc1..mock' } });
    const r = await llm.chat();
    expect(r.error).toBeUndefined();
    expect(r.outputTokens).toBe(12);
    expect(r.itlMs).toHaveLength(11);
    expect(r.usageSource).toBe('server');
    const whole = await llm.chat({ stream: false });
    expect(whole.error).toBeUndefined();
    expect(whole.outputTokens).toBe(12);
    const bad = await setup({ provider: 'oci', providerOptions: { configFile: otherOciConfig, compartmentId: 'ocid1.compartment.oc1..mock' } }).llm.chat();
    expect(bad.status).toBe(401);
    expect(bad.errorKind).toBe('auth');
  });
});
