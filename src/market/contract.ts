/**
 * The rules an interruption must respect: the instance's interruptibility contract and the engine's anti-thrash
 * rules. A move (make-before-break) has no downtime; a stop has `restartDowntimeSeconds` of it.
 *
 *   - state: only a running instance without a notice can be interrupted
 *   - price: an uninterruptible instance only if it has a negotiated fee > 0 (unless the interruption owes no fee:
 *     a drain's make-before-break move, see interrupt.ts)
 *   - min runtime: now − startedAt ≥ minRuntimeSeconds
 *   - budget: interruptions in the last 24 h < maxInterruptionsPerDay
 *   - downtime (stop only): maxInterruptionSeconds ≥ restartDowntimeSeconds
 *   - hysteresis (move only): no move within moveCooldownSeconds of the last one
 */
import type { EngineConfig } from './config.js';
import type { RunningInstance } from './types.js';

export type InterruptionKind = 'move' | 'stop';
export type ContractBlock = 'notified' | 'unpriced' | 'min_runtime' | 'budget' | 'downtime' | 'cooldown';

const DAY_MS = 24 * 3600 * 1000;

export function interruptionsLastDay(inst: RunningInstance, now: number): number {
  let n = 0;
  for (const at of inst.interruptions) if (now - at < DAY_MS) n++;
  return n;
}

export function contractBlock(
  inst: RunningInstance,
  now: number,
  config: EngineConfig,
  kind: InterruptionKind,
  owesFee = true,
): ContractBlock | null {
  if (inst.state !== 'running' || inst.notice !== null) return 'notified';
  // "Uninterruptible" is interruptible only at the fee agreed up front; without one there is no price to pay.
  if (owesFee && inst.uninterruptible && (inst.penalty === null || !(inst.penalty.fee > 0))) return 'unpriced';
  if (now - inst.startedAt < config.minRuntimeSeconds * 1000) return 'min_runtime';
  if (interruptionsLastDay(inst, now) >= inst.profile.interruptibility.maxInterruptionsPerDay) return 'budget';
  if (kind === 'stop' && inst.profile.interruptibility.maxInterruptionSeconds < config.restartDowntimeSeconds) {
    return 'downtime';
  }
  if (kind === 'move') {
    const last = inst.movedFrom[inst.movedFrom.length - 1];
    if (last !== undefined && now - last.at < config.moveCooldownSeconds * 1000) return 'cooldown';
  }
  return null;
}

/** Notice given: the contract's minimum, or the configured default when that is longer. */
export function noticeSecondsFor(inst: RunningInstance, config: EngineConfig): number {
  return Math.max(inst.profile.interruptibility.minNoticeSeconds, config.defaultNoticeSeconds);
}

/** Nodes an instance may not be moved (back) to: those it left within the cooldown. */
export function inCooldown(inst: RunningInstance, nodeId: string, now: number, config: EngineConfig): boolean {
  for (const m of inst.movedFrom) if (m.nodeId === nodeId && now - m.at < config.moveCooldownSeconds * 1000) return true;
  return false;
}

/**
 * Can the contract not be interrupted at all today, neither moved nor stopped (its daily budget used, or an
 * uninterruptible instance without a price)? Such an instance is passed over when re-scheduling looks for who to
 * interrupt (reschedule.ts), so the next-most-blamed resident that can be moved or stopped relieves the node instead.
 * One evaluation answers for both kinds: `contractBlock` tests 'unpriced' and 'budget' before anything that differs
 * between a move and a stop, so a move blocked by either is a stop blocked by the same. The other blocks pass within
 * the hour (min_runtime, a move's cooldown) or leave the other kind open (a stop's downtime: the instance can move).
 */
export function pinnedForToday(inst: RunningInstance, now: number, config: EngineConfig): boolean {
  const block = contractBlock(inst, now, config, 'move');
  return block === 'budget' || block === 'unpriced';
}
