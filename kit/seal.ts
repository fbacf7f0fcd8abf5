// Sealed lines: the kit's private channels (host -> supervisor, supervisor -> runner/page) carry
// `<mac> <body>` where mac is HMAC-SHA256 of body under a key the lab's code never receives. A line that
// does not verify is not ours, whoever wrote it. The crypto functions are captured when this module
// loads, which in the service host is before any lab code, so a lab that replaces them later changes
// nothing the kit calls.
import crypto, { type KeyObject } from 'node:crypto';

const apply = Reflect.apply;
export const uncurry =
  <A extends unknown[], R>(fn: (...args: A) => R) =>
  (self: unknown, ...args: A): R =>
    apply(fn, self, args) as R;

const createHmac = crypto.createHmac;
const createSecretKey = crypto.createSecretKey;
const randomBytes = crypto.randomBytes;
const timingSafeEqual = crypto.timingSafeEqual;
const probe = createHmac('sha256', 'probe');
const hmacUpdate = uncurry(Object.getPrototypeOf(probe).update as (data: string, enc: 'utf8') => unknown);
const hmacDigest = uncurry(Object.getPrototypeOf(probe).digest as (enc: 'hex') => string);
const bufferFrom = Buffer.from;
const indexOf = uncurry(String.prototype.indexOf as (s: string) => number);
const slice = uncurry(String.prototype.slice as (a: number, b?: number) => string);
const fill = uncurry(Uint8Array.prototype.fill as (v: number) => Uint8Array);

/** A fresh random key as hex text (to hand over once, on a private channel). */
export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The key for a hex secret. The secret's bytes end up inside OpenSSL, off the JavaScript heap, and the
 * buffer that carried them is zeroed: a heap snapshot of the process does not show the key.
 */
export function keyFrom(secretHex: string): KeyObject {
  const bytes = bufferFrom(secretHex, 'hex');
  const key = createSecretKey(bytes);
  fill(bytes, 0);
  return key;
}

/** key: a KeyObject from keyFrom(), or the hex secret itself */
export function mac(key: KeyObject | string, body: string): string {
  const h = createHmac('sha256', typeof key === 'string' ? keyFrom(key) : key);
  hmacUpdate(h, body, 'utf8');
  return hmacDigest(h, 'hex');
}

/** One sealed line (with its newline). */
export function seal(key: KeyObject | string, body: string): string {
  return mac(key, body) + ' ' + body + '\n';
}

/** The body of a sealed line, or null when its seal does not verify. */
export function unseal(key: KeyObject | string, line: string): string | null {
  const at = indexOf(line, ' ');
  if (at !== 64) return null;
  const body = slice(line, at + 1);
  const want = bufferFrom(mac(key, body), 'hex');
  const got = bufferFrom(slice(line, 0, at), 'hex');
  return got.length === want.length && timingSafeEqual(got, want) ? body : null;
}
