/**
 * Bearer authentication as route middleware (it runs before body validation, so an anonymous caller learns nothing
 * about the request schema). Clients and the operator use different endpoints; each is refused the other's.
 */
import type { IncomingMessage } from 'node:http';
import { createMiddleware } from 'hono/factory';
import { authenticate } from '../service/authenticate.js';
import { DomainError } from '../service/errors.js';
import type { AppEnv } from './env.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

const authenticated = (kind: 'client' | 'operator') =>
  createMiddleware<AppEnv>(async (c, next) => {
    // On @hono/node-server, Node has already parsed the headers: reading them there spares building a fetch Headers
    // object for every request (app.request in tests has no Node request and uses the Headers).
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const header = incoming ? incoming.headers.authorization : c.req.header('authorization');
    const match = header ? BEARER.exec(header) : null;
    if (!match) throw new DomainError('unauthorized', 'Send Authorization: Bearer <api key>');
    const principal = await authenticate({ ctx: c.get('ctx'), secret: match[1]! });
    if (!principal) throw new DomainError('unauthorized', 'Unknown API key or operator token');
    if (principal.kind !== kind) {
      throw new DomainError(
        'forbidden',
        kind === 'operator' ? 'This endpoint needs the operator token' : 'This endpoint needs a client API key',
      );
    }
    c.set('principal', principal);
    await next();
  });

export const requireClient = authenticated('client');
export const requireOperator = authenticated('operator');

/** The authenticated client's id (only valid behind requireClient). */
export function clientIdOf(c: { get(key: 'principal'): AppEnv['Variables']['principal'] }): string {
  const principal = c.get('principal');
  if (principal.kind !== 'client') throw new DomainError('forbidden', 'This endpoint needs a client API key');
  return principal.clientId;
}
