/** Small builders for route contracts, so each route file states only what is particular to it. */
import { z } from '@hono/zod-openapi';
import type { Context, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';
import type { JsonText } from '../service/views.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';
import { problemSchema } from './schemas.js';

export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  required: true,
  description,
  content: { 'application/json': { schema } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (problem+json with the JSON path of each bad field)',
  401: 'Missing or unknown credentials',
  403: 'Credentials of the wrong kind (client vs operator)',
  404: 'Not found (or owned by another client)',
  409: 'Conflicts with the current state',
  413: 'Body larger than 1 MiB',
  415: 'Body is not application/json',
  422: 'Idempotency-Key reused with a different body',
};

export function problems(...statuses: number[]) {
  const out: Record<number, { description: string; content: Record<string, { schema: typeof problemSchema }> }> = {};
  for (const status of statuses) {
    out[status] = {
      description: PROBLEM_DESCRIPTIONS[status] ?? 'Error',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
    };
  }
  return out;
}

export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: 'A retry with the same key returns the first response and creates nothing' }),
});

export const bearer = [{ bearer: [] }];

/** Sends JSON text already serialized from a T (views.ts JsonText), typed like `c.json(value as T, status)`. */
export function jsonText<T, S extends ContentfulStatusCode>(c: Context, text: JsonText<T>, status: S) {
  return c.body(text, status, { 'Content-Type': 'application/json' }) as unknown as Response & TypedResponse<JSONParsed<T>, S, 'json'>;
}
