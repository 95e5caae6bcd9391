import { UserError } from '../errors.js';
import type { MetricsAggregate } from '../metrics/aggregate.js';
import type { UserClassInfo } from '../pool/protocol.js';

/**
 * Stops a run that can only flood the target with requests it refuses, or
 * that never reach it: the API key is wrong, or the host is down. Judged every
 * interval on every request of the run so far (warm-up included): once
 * MIN_REQUESTS_FOR_GUARD of them completed and every one failed the same way,
 * the run stops with a user error (exit 2). One request that went otherwise
 * disarms that rule for the rest of the run. docs/llm.md#when-every-request-fails
 */
export const MIN_REQUESTS_FOR_GUARD = 5;

/** The counters the guard reads: LLM failures with 401/403, and requests that could not connect (clients/backoff.ts). */
const AUTH_ERRORS = 'llm.errors.auth';
const LLM_REQUESTS = 'llm.requests';
const CONNECT_ERRORS = 'http.connect_errors';

export class RunGuard {
  private llmRequests = 0;
  private authErrors = 0;
  private requests = 0;
  private connectErrors = 0;
  private firstConnectError?: string;

  constructor(
    private readonly classes: readonly UserClassInfo[],
    /** --host, else undefined: the classes' hosts are named instead. */
    private readonly host: string | undefined,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Adds an interval's figures; returns the user error that ends the run, or undefined while none applies. */
  observe(interval: MetricsAggregate): UserError | undefined {
    const c = interval.counters;
    this.llmRequests += c[LLM_REQUESTS] ?? 0;
    this.authErrors += c[AUTH_ERRORS] ?? 0;
    this.requests += interval.requestCount();
    const connect = c[CONNECT_ERRORS] ?? 0;
    this.connectErrors += connect;
    if (connect > 0 && this.firstConnectError === undefined) this.firstConnectError = connectMessage(interval);
    return this.verdict();
  }

  private verdict(): UserError | undefined {
    if (this.requests >= MIN_REQUESTS_FOR_GUARD && this.connectErrors >= this.requests) {
      const hosts = this.hosts();
      const what = this.firstConnectError ? ` (${this.firstConnectError})` : '';
      return new UserError(
        `stopped early: the first ${this.requests} requests all failed to connect to ${hosts}${what}`,
        'check that the server is running and that --host or the user class `host` is right',
        'E_UNREACHABLE',
      );
    }
    if (this.llmRequests >= MIN_REQUESTS_FOR_GUARD && this.authErrors >= this.llmRequests) {
      const by = this.knownHosts();
      return new UserError(`stopped early: the first ${this.llmRequests} LLM requests were all refused with HTTP 401/403 (auth)${by ? ` by ${by}` : ''}`, this.keyHint(), 'E_AUTH');
    }
    return undefined;
  }

  private hosts(): string {
    const hosts = this.host !== undefined ? [this.host] : [...new Set(this.classes.map((c) => c.host).filter((h): h is string => Boolean(h)))];
    return hosts.length > 0 ? hosts.join(', ') : 'the host';
  }

  private knownHosts(): string | undefined {
    const hosts = this.host !== undefined ? [this.host] : [...new Set(this.classes.map((c) => c.host).filter((h): h is string => Boolean(h) && h !== 'mock'))];
    return hosts.length > 0 ? hosts.join(', ') : undefined;
  }

  /** Names the key's variable (never its value), and whether it is set at all; for the cloud providers, their credentials (cloudAuthHint). */
  private keyHint(): string {
    const hintOf = (c: UserClassInfo) => cloudAuthHint(c.provider) ?? entraAuthHint(c.provider, this.env);
    const clouds = [...new Set(this.classes.map(hintOf).filter((h): h is string => h !== undefined))];
    const keyed = this.classes.filter((c) => hintOf(c) === undefined);
    if (clouds.length > 0 && keyed.every((c) => !c.apiKeyEnv)) return clouds.join('; ');
    const vars = [...new Set(keyed.map((c) => c.apiKeyEnv).filter((v): v is string => Boolean(v)))];
    if (vars.length === 0) return 'check the API key the requests send';
    const unset = vars.filter((v) => !this.env[v]);
    const list = vars.join(' or ');
    if (unset.length > 0) {
      return `${unset.join(' and ')} ${unset.length === 1 ? 'is' : 'are'} not set: export the server's API key in it, or set \`apiKeyEnv\` on the user class to the variable that holds it`;
    }
    return `the server refused the key in ${list}: check that it is valid for this server (and not expired), or set \`apiKeyEnv\` on the user class to the variable that holds the right one`;
  }
}

/** What to check when a cloud provider's requests are refused: their credentials are not an API key in one variable. */
function cloudAuthHint(provider: string | undefined): string | undefined {
  switch (provider) {
    case 'bedrock':
      return 'check the AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN for temporary ones, or AWS_PROFILE), the region they sign for (providerOptions.region or AWS_REGION), or the Bedrock API key in AWS_BEARER_TOKEN_BEDROCK';
    case 'vertex':
    case 'vertex-openai':
      return 'check the Google credentials: VERTEX_ACCESS_TOKEN (gcloud tokens expire after an hour), or application default credentials (gcloud auth application-default login, GOOGLE_APPLICATION_CREDENTIALS)';
    case 'oci':
      return "check the OCI API key: the config file (providerOptions.configFile or OCI_CONFIG_FILE) and profile, its fingerprint and key_file, and that the public key is uploaded to the user";
    default:
      return undefined;
  }
}

/** Azure with Entra ID (its variables set: providerOptions.azureAd is not known here): the token's credentials, not the key. */
function entraAuthHint(provider: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (provider !== 'azure' || !(env.AZURE_OPENAI_AD_TOKEN || env.AZURE_TENANT_ID || env.AZURE_CLIENT_ID)) return undefined;
  return 'check the Entra ID credentials: AZURE_OPENAI_AD_TOKEN (tokens expire), or AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (an app registration with a role on the Azure OpenAI resource), or the key in AZURE_OPENAI_API_KEY';
}

/** The most frequent error message that names a connection failure, as an example for the message. */
function connectMessage(interval: MetricsAggregate): string | undefined {
  let best: { message: string; count: number } | undefined;
  for (const e of interval.errors.values()) {
    if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|EADDRNOTAVAIL|connect/i.test(e.message) && (!best || e.count > best.count)) best = e;
  }
  return best?.message;
}
