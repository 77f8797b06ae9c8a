/**
 * API keys and operator tokens: 32 random bytes, shown once, stored only as SHA-256. A fast hash is the right tool
 * for high-entropy random secrets (no dictionary to attack), and it lets a request be authenticated by one indexed
 * lookup instead of a slow password hash per call.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newSecret(prefix: 'pk' | 'op'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
