import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseAmzDate, sigV4Headers, type AwsCredentials } from '../util/sigv4.js';
import { sendJson } from './http-io.js';

/**
 * How the mock checks the credentials of the cloud dialects (docs/mock-server.md#cloud-dialects):
 * - bedrock: the SigV4 signature, recomputed with the AWS SDK's signer from the
 *   request and the mock's AWS credentials (403 when it differs, as AWS answers);
 * - vertex: the bearer token: the mock's fixed Google token, or one its token
 *   endpoint (POST /token) issued and that has not expired (401 otherwise);
 * - oci: the HTTP signature, verified with the mock's OCI public key, and the
 *   body against x-content-sha256 (401 otherwise, as OCI answers).
 */
export type CloudAuthKind = 'sigv4' | 'google' | 'oci';

/** Test credentials the mock accepts unless told others: documented, never real. */
export const MOCK_AWS_CREDENTIALS: AwsCredentials = { accessKeyId: 'AKIAVOLLEYMOCK000000', secretAccessKey: 'volley-mock-aws-secret-key' };
export const MOCK_GOOGLE_TOKEN = 'volley-mock-google-token';
export const MOCK_GOOGLE_REFRESH_TOKEN = 'volley-mock-refresh-token';
/** Where the mock's OAuth token endpoint listens (give it as providerOptions.tokenUrl). */
export const MOCK_TOKEN_PATH = '/token';
/** The Entra ID app the mock's token endpoint knows (AZURE_CLIENT_ID, AZURE_CLIENT_SECRET). */
export const MOCK_AZURE_CLIENT_ID = 'volley-mock-azure-client';
export const MOCK_AZURE_CLIENT_SECRET = 'volley-mock-azure-secret';
/** Entra ID's token endpoint, any tenant: point AZURE_AUTHORITY_HOST at the mock. */
export const AZURE_TOKEN_PATH = /^\/[^/]+\/oauth2\/v2\.0\/token$/;

export interface CloudAuthOptions {
  aws: AwsCredentials;
  /** Region the mock expects SigV4 requests to be signed for; default: whatever region the signature names. */
  awsRegion?: string;
  googleToken: string;
  /** Life of tokens issued by POST /token. */
  googleTokenTtlMs: number;
  /** PEM public key of the OCI API key requests are signed with; without it OCI requests are refused. */
  ociPublicKey?: string;
}

export interface AuthProblem {
  status: number;
  message: string;
}

const OCI_SIGNED_HEADERS = ['x-date', '(request-target)', 'host', 'content-type', 'content-length', 'x-content-sha256'];

export class CloudAuth {
  private readonly issued = new Map<string, number>();
  private readonly azureIssued = new Map<string, number>();
  private sequence = 0;
  /** Tokens issued by POST /token and the Entra ID token endpoint so far. */
  tokensIssued = 0;

  constructor(private readonly options: CloudAuthOptions) {}

  /** undefined when the request's credentials are good; else why not, with the status the cloud would send. */
  async check(kind: CloudAuthKind, req: IncomingMessage, body: Buffer): Promise<AuthProblem | undefined> {
    if (kind === 'google') return this.checkBearer(req);
    if (kind === 'sigv4') return this.checkSigV4(req, body);
    return this.checkOci(req, body);
  }

  /** Azure with Entra ID: a bearer token the mock's Entra token endpoint issued and that has not expired. */
  checkAzureBearer(req: IncomingMessage): AuthProblem | undefined {
    return this.checkBearer(req, this.azureIssued);
  }

  private checkBearer(req: IncomingMessage, issued = this.issued): AuthProblem | undefined {
    const header = req.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token) return { status: 401, message: 'mock: missing bearer token (Authorization: Bearer …)' };
    if (issued === this.issued && token === this.options.googleToken) return undefined;
    const expiresAt = issued.get(token);
    if (expiresAt === undefined) return { status: 401, message: 'mock: invalid bearer token' };
    if (Date.now() >= expiresAt) return { status: 401, message: 'mock: the bearer token has expired' };
    return undefined;
  }

  private async checkSigV4(req: IncomingMessage, body: Buffer): Promise<AuthProblem | undefined> {
    const auth = req.headers.authorization;
    const m = typeof auth === 'string' ? /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(auth) : null;
    if (!m) return { status: 403, message: 'mock: missing or malformed SigV4 Authorization header' };
    const [, accessKeyId, , region, service, signedHeaders] = m as unknown as string[];
    if (accessKeyId !== this.options.aws.accessKeyId) return { status: 403, message: 'mock: The security token included in the request is invalid (unknown access key id)' };
    if (this.options.awsRegion && region !== this.options.awsRegion) return { status: 403, message: `mock: signed for region ${region}, expected ${this.options.awsRegion}` };
    const date = parseAmzDate(String(req.headers['x-amz-date'] ?? ''));
    if (!date) return { status: 403, message: 'mock: missing or malformed x-amz-date' };
    const headers: Record<string, string> = {};
    for (const name of signedHeaders!.split(';')) {
      const v = req.headers[name];
      if (v !== undefined && name !== 'authorization') headers[name] = Array.isArray(v) ? v.join(',') : v;
    }
    const credentials: AwsCredentials = { ...this.options.aws, sessionToken: typeof req.headers['x-amz-security-token'] === 'string' ? req.headers['x-amz-security-token'] : undefined };
    const expected = await sigV4Headers({ method: req.method ?? 'POST', url: `http://${req.headers.host}${req.url}`, headers, body: body.toString('utf8') }, credentials, region!, service!, date);
    if (expected.authorization !== auth) {
      return { status: 403, message: 'mock: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.' };
    }
    return undefined;
  }

  private async checkOci(req: IncomingMessage, body: Buffer): Promise<AuthProblem | undefined> {
    if (!this.options.ociPublicKey) return { status: 401, message: 'mock: no OCI public key configured (bench mock --oci-public-key <pem>)' };
    const digest = createHash('sha256').update(body).digest('base64');
    if (req.headers['x-content-sha256'] !== digest) return { status: 401, message: 'mock: x-content-sha256 does not match the body' };
    const httpSignature = await loadHttpSignature();
    // OCI's signer writes `Signature version="1",keyId=…`: the parser wants the parameters without the version.
    const authorization = String(req.headers.authorization ?? '').replace(/^Signature version="1",/, 'Signature ');
    try {
      const parsed = httpSignature.parseRequest({ method: req.method, url: req.url, httpVersion: req.httpVersion, headers: { ...req.headers, authorization } }, { headers: OCI_SIGNED_HEADERS, clockSkew: 300 });
      if (!httpSignature.verifySignature(parsed, this.options.ociPublicKey)) return { status: 401, message: 'mock: the OCI request signature does not verify' };
    } catch (err) {
      return { status: 401, message: `mock: bad OCI signature: ${(err as Error).message}` };
    }
    return undefined;
  }

  /** POST /token: OAuth2's refresh_token grant (what Google's auth library sends for user credentials). */
  async serveToken(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== MOCK_GOOGLE_REFRESH_TOKEN) {
      return sendJson(res, 400, { error: 'invalid_grant', error_description: 'mock: unknown refresh token' });
    }
    const token = `mock-access-token-${++this.sequence}`;
    this.issued.set(token, Date.now() + this.options.googleTokenTtlMs);
    this.tokensIssued++;
    sendJson(res, 200, { access_token: token, expires_in: Math.max(1, Math.round(this.options.googleTokenTtlMs / 1000)), token_type: 'Bearer', scope: 'https://www.googleapis.com/auth/cloud-platform' });
  }

  /** POST /{tenant}/oauth2/v2.0/token: Entra ID's client-credentials grant, for the mock's test app only. */
  serveAzureToken(res: ServerResponse, body: Buffer): void {
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.get('grant_type') !== 'client_credentials') {
      return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'mock: only grant_type=client_credentials' });
    }
    if (form.get('client_id') !== MOCK_AZURE_CLIENT_ID || form.get('client_secret') !== MOCK_AZURE_CLIENT_SECRET) {
      return sendJson(res, 401, { error: 'invalid_client', error_description: 'mock: unknown client id or wrong client secret' });
    }
    const token = `mock-azure-token-${++this.sequence}`;
    this.azureIssued.set(token, Date.now() + this.options.googleTokenTtlMs);
    this.tokensIssued++;
    sendJson(res, 200, { token_type: 'Bearer', expires_in: Math.max(1, Math.round(this.options.googleTokenTtlMs / 1000)), ext_expires_in: 0, access_token: token });
  }
}

interface HttpSignature {
  parseRequest(req: unknown, options: unknown): unknown;
  verifySignature(parsed: unknown, pem: string): boolean;
}

let httpSignature: Promise<HttpSignature> | undefined;
/** Joyent's http-signature (what OCI's SDK signs with), loaded for the first OCI request. */
function loadHttpSignature(): Promise<HttpSignature> {
  const name = 'http-signature';
  return (httpSignature ??= import(name).then((m: { default?: HttpSignature } & HttpSignature) => m.default ?? m));
}
