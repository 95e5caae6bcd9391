import { GoogleAuth } from 'google-auth-library';

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/**
 * Access tokens from Google's auth library: application default credentials
 * (GOOGLE_APPLICATION_CREDENTIALS, gcloud's application-default login, the
 * metadata server) or the given credentials file. The library caches the
 * token and fetches a new one shortly before it expires (a minute here, not
 * its default five, so short-lived tokens are not fetched on every request).
 * `tokenUrl` replaces Google's OAuth token endpoint (tests, private endpoints).
 */
export function googleTokenSource(opts: { credentialsFile?: string; tokenUrl?: string }): Promise<{ token(): Promise<string> }> {
  // One per thread and settings: a worker's users share a token and its refreshes.
  const key = `${opts.credentialsFile ?? ''}|${opts.tokenUrl ?? ''}`;
  let source = sources.get(key);
  if (!source) {
    source = makeSource(opts);
    sources.set(key, source);
    // A failure (no credentials yet) is tried again by the next request.
    source.catch(() => sources.delete(key));
  }
  return source;
}

const sources = new Map<string, Promise<{ token(): Promise<string> }>>();

async function makeSource(opts: { credentialsFile?: string; tokenUrl?: string }): Promise<{ token(): Promise<string> }> {
  const auth = new GoogleAuth({
    scopes: [SCOPE],
    ...(opts.credentialsFile ? { keyFile: opts.credentialsFile } : {}),
    clientOptions: {
      eagerRefreshThresholdMillis: 60_000,
      ...(opts.tokenUrl ? { endpoints: { oauth2TokenUrl: opts.tokenUrl } } : {}),
    },
  });
  const client = await auth.getClient();
  return {
    async token() {
      const { token } = await client.getAccessToken();
      if (!token) throw new Error("Google's auth library gave no access token: check the credentials (gcloud auth application-default login, or GOOGLE_APPLICATION_CREDENTIALS)");
      return token;
    },
  };
}
