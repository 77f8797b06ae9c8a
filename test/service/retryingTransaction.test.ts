import { describe, expect, it } from 'vitest';
import { retryingTransaction, TRANSACTION_ATTEMPTS } from '../../src/service/idempotency.js';

/** An error shaped as drizzle wraps a postgres.js error: the SQLSTATE is on the cause. */
const pgError = (code: string) => Object.assign(new Error('Failed query'), { cause: Object.assign(new Error('postgres'), { code }) });

describe('retryingTransaction', () => {
  it('runs a transaction again after a deadlock or a serialization failure', async () => {
    for (const code of ['40P01', '40001']) {
      let calls = 0;
      const result = await retryingTransaction(async () => {
        calls += 1;
        if (calls < TRANSACTION_ATTEMPTS) throw pgError(code);
        return 'committed';
      });
      expect(result).toBe('committed');
      expect(calls).toBe(TRANSACTION_ATTEMPTS);
    }
  });

  it('gives up after TRANSACTION_ATTEMPTS and never retries other errors', async () => {
    let calls = 0;
    await expect(
      retryingTransaction(async () => {
        calls += 1;
        throw pgError('40P01');
      }),
    ).rejects.toThrow('Failed query');
    expect(calls).toBe(TRANSACTION_ATTEMPTS);
    calls = 0;
    await expect(
      retryingTransaction(async () => {
        calls += 1;
        throw pgError('23505');
      }),
    ).rejects.toThrow();
    expect(calls).toBe(1);
  });
});
