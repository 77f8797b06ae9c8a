/** The contract rules of src/market/contract.ts on arbitrary instances. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contractBlock, pinnedForToday, type ContractBlock } from '../../src/market/contract.js';
import { defaultEngineConfig } from '../../src/market/config.js';
import { instance, NOW, profile } from './builders.js';

const HOUR = 3600_000;
/** Blocks that hold for the rest of the day: the definition `pinnedForToday` answers with one evaluation. */
const LASTING: ReadonlySet<ContractBlock | null> = new Set<ContractBlock | null>(['budget', 'unpriced', 'downtime']);

const arbitraryInstance = fc
  .record({
    state: fc.constantFrom('running' as const, 'notified' as const),
    noticed: fc.boolean(),
    uninterruptible: fc.boolean(),
    fee: fc.option(fc.constantFrom(0, 5), { nil: null }),
    ageHours: fc.double({ min: 0, max: 48, noNaN: true }),
    interruptedHoursAgo: fc.array(fc.double({ min: 0, max: 30, noNaN: true }), { maxLength: 5 }),
    movedHoursAgo: fc.option(fc.double({ min: 0, max: 3, noNaN: true }), { nil: null }),
    perDay: fc.integer({ min: 0, max: 4 }),
    outageSeconds: fc.constantFrom(0, 30, 600, 3600),
  })
  .map((a) =>
    instance('i', 'n', {
      state: a.state,
      notice: a.noticed ? { noticedAt: NOW - 60_000, deadline: NOW + 60_000, noticeGivenSeconds: 120, reason: 'interference', preemptorId: null, moveToNodeId: null, penalty: null } : null,
      uninterruptible: a.uninterruptible,
      penalty: a.fee === null ? null : { fee: a.fee, priorityReduction: 0 },
      startedAt: NOW - a.ageHours * HOUR,
      interruptions: a.interruptedHoursAgo.map((h) => NOW - h * HOUR),
      movedFrom: a.movedHoursAgo === null ? [] : [{ nodeId: 'm', at: NOW - a.movedHoursAgo * HOUR }],
      profile: profile({ interruptibility: { maxInterruptionsPerDay: a.perDay, maxInterruptionSeconds: a.outageSeconds, minNoticeSeconds: 60 } }),
    }),
  );

describe('pinnedForToday', () => {
  it('is true exactly when both a move and a stop are blocked for the rest of the day', () => {
    fc.assert(
      fc.property(arbitraryInstance, (inst) => {
        const both =
          LASTING.has(contractBlock(inst, NOW, defaultEngineConfig, 'move')) && LASTING.has(contractBlock(inst, NOW, defaultEngineConfig, 'stop'));
        expect(pinnedForToday(inst, NOW, defaultEngineConfig)).toBe(both);
      }),
      { numRuns: 2000 },
    );
  });
});
