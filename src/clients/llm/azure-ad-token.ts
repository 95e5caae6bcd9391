/**
 * Microsoft Entra ID (Azure AD) access tokens for Azure OpenAI, by OAuth2's
 * client-credentials grant: AZURE_TENANT_ID, AZURE_CLIENT_ID and
 * AZURE_CLIENT_SECRET (the names @azure/identity reads), POSTed to
 * `{AZURE_AUTHORITY_HOST}/{tenant}/oauth2/v2.0/token` for the Cognitive
 * Services scope. A small fetch of that documented endpoint rather than
 * @azure/identity: that package brings MSAL (node and browser) and Azure's
 * HTTP pipeline for one POST and a cache.
 *
 * The token is cached per thread and settings and fetched again shortly
 * before it expires (a minute early, or a tenth of its life when it is
 * shorter); one fetch is in flight at a time, shared by every waiting request.
 * The client secret never appears in an error message.
 */
export const AZURE_AD_SCOPE = 'https://cognitiveservices.azure.com/.default';
export const DEFAULT_AZURE_AUTHORITY_HOST = 'https://login.microsoftonline.com';

interface Cached {
  token: string;
  refreshAt: number;
}

interface Source {
  cached?: Cached;
  pending?: Promise<string>;
}

const sources = new Map<string, Source>();

/** A valid token for the credentials in `env`, from the cache while it is fresh. */
export function azureAdToken(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const tenant = env.AZURE_TENANT_ID;
  const clientId = env.AZURE_CLIENT_ID;
  const secret = env.AZURE_CLIENT_SECRET;
  const missing = [!tenant && 'AZURE_TENANT_ID', !clientId && 'AZURE_CLIENT_ID', !secret && 'AZURE_CLIENT_SECRET'].filter(Boolean);
  if (missing.length > 0) {
    return Promise.reject(new Error(`azure: providerOptions.azureAd needs ${missing.join(', ')} (an Entra ID app registration), or a token in AZURE_OPENAI_AD_TOKEN`));
  }
  const host = (env.AZURE_AUTHORITY_HOST || DEFAULT_AZURE_AUTHORITY_HOST).replace(/\/+$/, '');
  const url = `${host}/${encodeURIComponent(tenant!)}/oauth2/v2.0/token`;
  const key = `${url}|${clientId}|${secret}`;
  let source = sources.get(key);
  if (!source) sources.set(key, (source = {}));
  if (source.cached && Date.now() < source.cached.refreshAt) return Promise.resolve(source.cached.token);
  if (!source.pending) {
    const s = source;
    s.pending = fetchToken(url, clientId!, secret!)
      .then((cached) => {
        s.cached = cached;
        return cached.token;
      })
      .finally(() => {
        s.pending = undefined;
      });
  }
  return source.pending!;
}

/** Longest wait for the Entra token endpoint, headers and body. */
const TOKEN_FETCH_TIMEOUT_MS = 10_000;

async function fetchToken(url: string, clientId: string, secret: string): Promise<Cached> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: AZURE_AD_SCOPE });
  let res: Response;
  try {
    // Bounded: a fetch that never settles would hold every later request of the worker on this one pending promise.
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, signal: AbortSignal.timeout(TOKEN_FETCH_TIMEOUT_MS) });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    throw new Error(`could not reach the Entra ID token endpoint ${url} (${cause ?? (err as Error).message})`);
  }
  const text = await res.text().catch((err: Error) => {
    throw new Error(`the Entra ID token endpoint ${url} did not finish its answer (${err.message})`);
  });
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: reported by status below
  }
  const token = json.access_token;
  if (!res.ok || typeof token !== 'string' || token === '') {
    const code = typeof json.error === 'string' ? json.error : 'no access_token in the answer';
    const hint = code === 'invalid_client' ? ': check AZURE_CLIENT_ID and AZURE_CLIENT_SECRET' : '';
    throw new Error(`the Entra ID token endpoint answered ${res.status} (${code})${hint}`.split(secret).join('***'));
  }
  const lifeMs = Math.max(0, Number(json.expires_in ?? 3600) * 1000);
  const now = Date.now();
  return { token, refreshAt: now + lifeMs - Math.min(60_000, lifeMs / 10) };
}
