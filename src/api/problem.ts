/**
 * RFC 9457 problem details. Every 4xx/5xx Parley sends goes through `problemResponse`.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, type ErrorCode, type FieldError } from '../service/errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://parley.dev/problems/';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance: string;
  errors?: FieldError[];
}

/** Exhaustive: a new code without a status fails to compile. */
export function statusOf(code: ErrorCode): ContentfulStatusCode {
  switch (code) {
    case 'validation_failed':
    case 'malformed_json':
    case 'unknown_profile':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
    case 'route_not_found':
      return 404;
    case 'method_not_allowed':
      return 405;
    case 'bid_not_pending':
    case 'instance_finished':
    case 'node_exists':
    // The version's manifest contradicts the feature spec this server serves: a conflict with the server's state.
    case 'model_incompatible':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'idempotency_key_reused':
    // The version's files are there but unreadable (bad JSON, weights that fail their checksum or shape).
    case 'model_corrupt':
      return 422;
    case 'internal':
      return 500;
    case 'not_ready':
      return 503;
  }
}

const TITLES: Record<ErrorCode, string> = {
  validation_failed: 'Request validation failed',
  malformed_json: 'Malformed JSON body',
  unknown_profile: 'Unknown workload profile',
  unauthorized: 'Missing or invalid credentials',
  forbidden: 'Not allowed for these credentials',
  not_found: 'Resource not found',
  route_not_found: 'No such route',
  method_not_allowed: 'Method not allowed',
  bid_not_pending: 'Bid is no longer pending',
  instance_finished: 'Instance has already finished',
  node_exists: 'Node already exists',
  model_incompatible: 'Model version incompatible with this server',
  model_corrupt: 'Model version corrupt',
  idempotency_key_reused: 'Idempotency-Key reused with a different request',
  payload_too_large: 'Request body too large',
  unsupported_media_type: 'Unsupported media type',
  not_ready: 'Service not ready',
  internal: 'Internal error',
};

export function problemOf(err: DomainError, instance: string): Problem {
  const problem: Problem = {
    type: TYPE_BASE + err.code,
    title: TITLES[err.code],
    status: statusOf(err.code),
    detail: err.message,
    code: err.code,
    instance,
  };
  if (err.errors.length > 0) problem.errors = err.errors;
  return problem;
}

export function problemResponse(c: Context, err: DomainError): Response {
  const problem = problemOf(err, new URL(c.req.url).pathname);
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, {
    'Content-Type': PROBLEM_CONTENT_TYPE,
  });
}

/** Maps anything thrown to a DomainError. Hono's own HTTPExceptions come from body parsing and content negotiation. */
export function toDomainError(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  if (err instanceof HTTPException) {
    switch (err.status) {
      case 400:
        return new DomainError('malformed_json', err.message || 'The request body is not valid JSON');
      case 413:
        return new DomainError('payload_too_large', err.message);
      case 415:
        return new DomainError('unsupported_media_type', 'Send the body as application/json');
      case 401:
        return new DomainError('unauthorized', err.message);
      default:
        return new DomainError('internal', err.message);
    }
  }
  return new DomainError('internal', 'An unexpected error occurred; it has been logged');
}
