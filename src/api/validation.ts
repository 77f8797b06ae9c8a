/** Turns zod validation failures into one `validation_failed` problem listing the JSON path of each bad field. */
import type { Hook } from '@hono/zod-openapi';
import type { z } from 'zod';
import { DomainError, jsonPath, type FieldError } from '../service/errors.js';
import type { AppEnv } from './env.js';

export function validationError(error: z.ZodError, target: string): DomainError {
  const prefix = target === 'json' ? '' : `${target}:`;
  const errors: FieldError[] = error.issues.map((issue) => ({
    path: prefix + jsonPath(issue.path),
    message: issue.message,
  }));
  const summary = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  return new DomainError('validation_failed', summary, errors);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const defaultHook: Hook<any, AppEnv, any, any> = (result) => {
  if (!result.success) throw validationError(result.error as z.ZodError, result.target);
};
