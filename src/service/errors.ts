/**
 * The closed set of error codes Parley answers with. Services throw `DomainError`; the API's one error handler maps
 * each code to an HTTP status with an exhaustive switch (src/api/problem.ts), so adding a code forces a mapping.
 */
export const ERROR_CODES = [
  'validation_failed',
  'malformed_json',
  'unknown_profile',
  'unauthorized',
  'forbidden',
  'not_found',
  'route_not_found',
  'method_not_allowed',
  'bid_not_pending',
  'instance_finished',
  'node_exists',
  'model_incompatible',
  'model_corrupt',
  'idempotency_key_reused',
  'payload_too_large',
  'unsupported_media_type',
  'not_ready',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One bad field: its JSON path (`$.cpu.avg`, `$.samples[2].at`) and what is wrong with it. */
export interface FieldError {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Builds a JSON path from zod-style path segments: ['samples', 2, 'at'] → `$.samples[2].at`. */
export function jsonPath(segments: readonly PropertyKey[]): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) path += `.${segment}`;
    else path += `[${JSON.stringify(String(segment))}]`;
  }
  return path;
}

export function fieldError(segments: readonly PropertyKey[], message: string, code: ErrorCode = 'validation_failed'): DomainError {
  const path = jsonPath(segments);
  return new DomainError(code, `${path}: ${message}`, [{ path, message }]);
}

export const notFound = (what: string, id: string): DomainError =>
  new DomainError('not_found', `${what} ${JSON.stringify(id)} does not exist`);
