import type { SignableRequest } from '../../api/providers.js';
import { sigV4Headers } from '../../util/sigv4.js';

/** Headers the signer leaves out: the ones the transport sets (or may change) itself. */
const UNSIGNED = new Set(['content-length', 'connection', 'transfer-encoding', 'host']);

/**
 * A SigV4 signer with credentials from the AWS SDK's default chain
 * (@aws-sdk/credential-provider-node: environment, shared config and
 * credentials files with AWS_PROFILE or providerOptions.profile, SSO, web
 * identity, process, container and instance roles). The chain caches the
 * credentials and fetches new ones before temporary ones expire.
 */
export function sigV4Signer(opts: { region: string; service: string; profile?: string }): Promise<{ sign(req: SignableRequest): Promise<Record<string, string>> }> {
  // One per thread and settings: the users of a worker share the credentials the chain found (and its refreshes).
  const key = `${opts.region}|${opts.service}|${opts.profile ?? ''}`;
  let signer = signers.get(key);
  if (!signer) signers.set(key, (signer = makeSigner(opts)));
  return signer;
}

const signers = new Map<string, Promise<{ sign(req: SignableRequest): Promise<Record<string, string>> }>>();

async function makeSigner(opts: { region: string; service: string; profile?: string }): Promise<{ sign(req: SignableRequest): Promise<Record<string, string>> }> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  const credentials = defaultProvider(opts.profile ? { profile: opts.profile } : {});
  return {
    async sign(req) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (!UNSIGNED.has(name.toLowerCase())) headers[name] = value;
      let found;
      try {
        found = await credentials();
      } catch (err) {
        throw new Error(`could not get AWS credentials (${(err as Error).message})`);
      }
      return sigV4Headers({ method: req.method, url: req.url, headers, body: req.body }, found, opts.region, opts.service);
    },
  };
}
