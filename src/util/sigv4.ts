import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/** AWS credentials: the secret and the session token are never printed. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A request to sign (or to check), as it goes on the wire. */
export interface SigV4Request {
  method: string;
  url: string;
  /** Header names in lower case; `host` is added from the URL when missing. */
  headers: Readonly<Record<string, string>>;
  body: string;
}

/**
 * The SigV4 headers (authorization, x-amz-date, x-amz-content-sha256 and, with
 * a session token, x-amz-security-token) of `request`, made by the AWS SDK's
 * signer. The client signs with it, and the mock server recomputes the
 * signature with it to check what it is sent: one implementation, the SDK's.
 */
export async function sigV4Headers(request: SigV4Request, credentials: AwsCredentials, region: string, service: string, signingDate?: Date): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const headers: Record<string, string> = { host: url.host };
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => (query[k] = v));
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256, uriEscapePath: true, applyChecksum: true });
  const signed = await signer.sign(
    { method: request.method, protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: url.pathname, query, headers, body: request.body },
    { signingDate },
  );
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower.startsWith('x-amz-')) out[lower] = String(value);
  }
  return out;
}

/** The SigV4 date format (20261206T131500Z) read back into a Date. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}
