import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { UserError } from '../errors.js';

/** Credentials of HTTP Basic auth, from --web-auth user:pass or VOLLEY_WEB_AUTH. */
export interface WebAuth {
  user: string;
  pass: string;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** 127.0.0.0/8, ::1 and localhost: only this machine can reach them. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (LOOPBACK_NAMES.has(h)) return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** `user:pass` (the password may hold colons). */
export function parseWebAuth(value: string, source: string): WebAuth {
  const at = value.indexOf(':');
  if (at <= 0 || at === value.length - 1) throw new UserError(`${source}: expected user:pass, e.g. --web-auth admin:s3cret`);
  return { user: value.slice(0, at), pass: value.slice(at + 1) };
}

/**
 * The web UI can start and stop load, so a non-loopback bind without a password
 * is refused before anything starts (exit 2).
 */
export function checkBind(host: string, auth: WebAuth | undefined): void {
  if (!isLoopbackHost(host) && !auth) {
    throw new UserError(
      `--web-host ${host}: the web UI can start and stop load; binding an address other than 127.0.0.1 needs a password. ` +
        'Add --web-auth user:pass (or set VOLLEY_WEB_AUTH=user:pass), or leave --web-host out to stay on 127.0.0.1',
    );
  }
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // Compared in constant time, so the answer's timing does not leak the password.
  return x.length === y.length && timingSafeEqual(x, y);
};

export function authorized(req: IncomingMessage, auth: WebAuth | undefined): boolean {
  if (!auth) return true;
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  if (at < 0) return false;
  // Both compared always, so a right user name does not answer faster.
  const userOk = same(decoded.slice(0, at), auth.user);
  const passOk = same(decoded.slice(at + 1), auth.pass);
  return userOk && passOk;
}

/**
 * Why a state-changing request is refused, or undefined when it may go on: it
 * must be JSON (a cross-site HTML form cannot send that without a CORS
 * preflight we never answer) and carry an Origin of this very server.
 */
export function refuseCrossSite(req: IncomingMessage): string | undefined {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return 'state-changing requests must be Content-Type: application/json';
  const origin = req.headers.origin;
  if (!origin) return 'state-changing requests must carry an Origin header of this server';
  if (origin !== `http://${req.headers.host ?? ''}`) return `cross-origin request refused (Origin ${origin})`;
  return undefined;
}

/**
 * A loopback server answers only to loopback Host names, so a page of another
 * site cannot reach it through DNS rebinding.
 */
export function refuseHost(req: IncomingMessage, boundHost: string): string | undefined {
  if (!isLoopbackHost(boundHost)) return undefined;
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  return isLoopbackHost(host) ? undefined : `Host ${host || '(none)'} refused: this server answers only to 127.0.0.1 or localhost`;
}

/** The page's policy: its own scripts and styles (by nonce), its own API, nothing from the network. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
