/** Online recalibration (src/model/onlineCalibration.ts): the step rule, its coverage guarantee, and state checks. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advanceState,
  emptyCounts,
  initialOnlineState,
  OnlineCalibrator,
  ONLINE_GAIN,
  ONLINE_MIN_SCALE,
  ONLINE_STEP_MS,
  P95_MISS_TARGET as ALPHA,
  parseOnlineState,
  stepSizes,
  TRACKED_HEADS,
} from '../../src/model/onlineCalibration.js';

const staticShift = [0, 0.05, 0.5, 0, 0.2, 1.5, 0, 0, 0.7];
const CPU_P95 = 1;

describe('OnlineCalibrator', () => {
  it('opens its window at the first call and steps once a horizon has passed, by η · (miss share − α)', () => {
    const c = new OnlineCalibrator(staticShift);
    expect(c.step(0)).toBe(false);
    c.observe(CPU_P95, 3, 10);
    expect(c.step(ONLINE_STEP_MS - 1)).toBe(false);
    expect(c.shift[CPU_P95]).toBe(0);
    expect(c.step(ONLINE_STEP_MS)).toBe(true);
    expect(c.shift[CPU_P95]).toBeCloseTo(ONLINE_GAIN * 0.05 * (0.3 - ALPHA), 12);
    // Heads without samples in the window keep their shift; mean heads are never moved.
    expect(c.shift.filter((_, i) => i !== CPU_P95)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(c.snapshot()).toMatchObject({ steps: 1, steppedAt: ONLINE_STEP_MS });
    // The window starts again: a window with no misses moves the head down by η · α.
    c.observe(CPU_P95, 0, 4);
    c.step(2 * ONLINE_STEP_MS);
    expect(c.shift[CPU_P95]).toBeCloseTo(ONLINE_GAIN * 0.05 * (0.3 - 2 * ALPHA), 12);
  });

  it('says whether a step changed the shift', () => {
    const c = new OnlineCalibrator(staticShift);
    expect(c.stepChanged(0)).toEqual({ stepped: false, changed: false });
    expect(c.stepChanged(ONLINE_STEP_MS)).toEqual({ stepped: true, changed: false }); // no samples in the window
    c.observe(CPU_P95, 1, 1);
    expect(c.stepChanged(2 * ONLINE_STEP_MS)).toEqual({ stepped: true, changed: true });
  });

  it('counts a sample against the p95 head of each resource of the prediction in force, and moves no other head', () => {
    const c = new OnlineCalibrator(staticShift);
    c.step(0);
    const tails = { cpu: { p95: 1, p99: 2 }, memory: { p95: 100, p99: 200 }, network: { p95: 10, p99: 20 } };
    c.observeSample(tails, { cpu: 1.5, memory: 50, network: 25 });
    c.step(ONLINE_STEP_MS);
    const eta = stepSizes(staticShift);
    expect(c.shift[1]).toBeCloseTo(eta[1]! * (1 - ALPHA), 12); // cpu p95 missed
    expect(c.shift[4]).toBeCloseTo(-eta[4]! * ALPHA, 12); // memory p95 held
    expect(c.shift[7]).toBeCloseTo(eta[7]! * (1 - ALPHA), 12); // network p95 missed
    expect([0, 2, 3, 5, 6, 8].map((i) => c.shift[i])).toEqual([0, 0, 0, 0, 0, 0]); // means and p99 keep theirs
    expect([0, 2, 3, 5, 6, 8].map((i) => eta[i])).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('scales each head by its static shift, with a floor for a zero one', () => {
    const eta = stepSizes(staticShift);
    expect(eta[1]).toBeCloseTo(ONLINE_GAIN * 0.05, 12);
    expect(eta[7]).toBeCloseTo(ONLINE_GAIN * ONLINE_MIN_SCALE, 12);
    expect(eta[0]).toBe(0);
  });

  it('keeps the long-run miss share at α: Σ (miss share − α) = Δ shift / η, whatever the stream', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 50 })), { minLength: 1, maxLength: 200 }), (windows) => {
        const c = new OnlineCalibrator(staticShift);
        c.step(0);
        let excess = 0;
        windows.forEach(([missed, n], i) => {
          const m = Math.min(missed, n);
          c.observe(CPU_P95, m, n);
          c.step((i + 1) * ONLINE_STEP_MS);
          excess += m / n - ALPHA;
        });
        expect(c.shift[CPU_P95]! / stepSizes(staticShift)[CPU_P95]!).toBeCloseTo(excess, 9);
      }),
    );
  });

  it('brings a drifting, under-covering quantile to the coverage it aims at', () => {
    // Residuals uniform on [0, 1 + drift]: a static shift of 0.95 covers 95 % at first and ever less as they widen.
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 48271) >>> 0) % 2147483647) / 2147483647);
    const c = new OnlineCalibrator([0, 0.95, 0, 0, 0, 0, 0, 0, 0]);
    c.step(0);
    let covered = 0;
    let total = 0;
    for (let hour = 1; hour <= 2000; hour++) {
      const width = 1 + hour / 1000;
      for (let k = 0; k < 100; k++) {
        const residual = random() * width;
        const ok = residual <= 0.95 + c.shift[CPU_P95]!;
        if (hour > 200) {
          covered += ok ? 1 : 0;
          total += 1;
        }
        c.observe(CPU_P95, ok ? 0 : 1, 1);
      }
      c.step(hour * ONLINE_STEP_MS);
    }
    // Without tracking the last 1,800 hours would cover about 0.95 / 2 of the widest window; with it, the target 1 − α
    // (less the drift term (final − initial shift) / (η · T), here about 0.0005).
    expect(Math.abs(covered / total - (1 - ALPHA))).toBeLessThan(0.001);
  });

  it('tracks exactly the p95 heads', () => {
    expect(TRACKED_HEADS.map((h) => [h.output, h.alpha])).toEqual([
      [1, ALPHA],
      [4, ALPHA],
      [7, ALPHA],
    ]);
  });
});

describe('advanceState: one state shared by several processes', () => {
  const eta = stepSizes(staticShift);
  const counts = (misses: number, samples: number) => {
    const c = emptyCounts();
    c.misses[CPU_P95] = misses;
    c.samples[CPU_P95] = samples;
    return c;
  };

  it("adds every process's counts to the open window, steps once when due, and opens the next window", () => {
    let s = advanceState(initialOnlineState(), counts(0, 0), 0, eta).state; // opens the window
    s = advanceState(s, counts(2, 10), 100, eta).state; // process A
    s = advanceState(s, counts(1, 10), 200, eta).state; // process B
    expect(s.window.samples[CPU_P95]).toBe(20);
    expect(s.steps).toBe(0);
    const step = advanceState(s, counts(0, 0), ONLINE_STEP_MS, eta); // B finds the step due
    expect(step.stepped).toBe(true);
    expect(step.state.shift[CPU_P95]).toBeCloseTo(eta[CPU_P95]! * (3 / 20 - ALPHA), 12);
    expect(step.state.window).toEqual(emptyCounts());
    // A, a moment later with its own new counts: the window it had counted in was stepped already; no second step.
    const late = advanceState(step.state, counts(1, 4), ONLINE_STEP_MS + 1, eta);
    expect(late.stepped).toBe(false);
    expect(late.state.steps).toBe(1);
    expect(late.state.window.samples[CPU_P95]).toBe(4);
    // Pure: the inputs are unchanged.
    expect(s.window.samples[CPU_P95]).toBe(20);
  });

  it('gives the same correction however the counts are split between processes and interleaved', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.boolean()), { maxLength: 6 }), {
          minLength: 1,
          maxLength: 30,
        }),
        (windows) => {
          const alone = new OnlineCalibrator(staticShift);
          alone.step(0);
          const a = new OnlineCalibrator(staticShift);
          const b = new OnlineCalibrator(staticShift);
          let shared = initialOnlineState();
          // Each process flushes into the shared state and adopts it, as the registry's stepOnline does.
          const flush = (c: OnlineCalibrator, now: number) => {
            shared = advanceState(shared, c.takeCounts(), now, c.eta).state;
            c.adopt(shared);
          };
          flush(a, 0);
          windows.forEach((reports, w) => {
            const start = w * ONLINE_STEP_MS;
            reports.forEach(([missed, extra, toA], k) => {
              const n = missed + extra;
              alone.observe(CPU_P95, missed, n);
              const c = toA ? a : b;
              c.observe(CPU_P95, missed, n);
              flush(c, start + k + 1);
            });
            alone.step((w + 1) * ONLINE_STEP_MS);
            flush(b, (w + 1) * ONLINE_STEP_MS); // B takes the step of this window
            flush(a, (w + 1) * ONLINE_STEP_MS + 1); // A finds it taken and adopts it
          });
          expect(a.shift[CPU_P95]).toBeCloseTo(alone.shift[CPU_P95]!, 12);
          expect(b.shift[CPU_P95]).toBeCloseTo(alone.shift[CPU_P95]!, 12);
          expect(shared.steps).toBe(alone.snapshot().steps);
        },
      ),
    );
  });

  it('keeps counts whose shared update failed for the next one', () => {
    const c = new OnlineCalibrator(staticShift);
    c.observe(CPU_P95, 1, 3);
    const taken = c.takeCounts();
    expect(c.takeCounts()).toEqual(emptyCounts());
    c.restoreCounts(taken);
    c.observe(CPU_P95, 1, 2);
    expect(c.takeCounts()).toEqual(counts(2, 5));
  });

  it('is due when it holds counts, has no window open, or a step has fallen due', () => {
    const c = new OnlineCalibrator(staticShift);
    expect(c.due(0)).toBe(true); // no window yet
    c.step(0);
    expect(c.due(1)).toBe(false);
    c.observe(CPU_P95, 0, 1);
    expect(c.due(1)).toBe(true);
    c.step(2);
    expect(c.due(3)).toBe(false);
    expect(c.due(ONLINE_STEP_MS)).toBe(true);
  });
});

describe('parseOnlineState', () => {
  it('reads a state saved before the window was shared with an empty window', () => {
    expect(parseOnlineState({ shift: new Array(9).fill(0.5), steps: 3, steppedAt: 7 })).toEqual({
      shift: new Array(9).fill(0.5),
      steps: 3,
      steppedAt: 7,
      window: emptyCounts(),
    });
  });

  it('refuses a malformed window', () => {
    const base = { shift: new Array(9).fill(0), steps: 0, steppedAt: null };
    const nine = (v: number) => new Array(9).fill(v);
    expect(parseOnlineState({ ...base, window: null })).toBeNull();
    expect(parseOnlineState({ ...base, window: { misses: nine(0), samples: [1] } })).toBeNull();
    expect(parseOnlineState({ ...base, window: { misses: nine(2), samples: nine(1) } })).toBeNull(); // misses > samples
    expect(parseOnlineState({ ...base, window: { misses: nine(0.5), samples: nine(1) } })).toBeNull();
    expect(parseOnlineState({ ...base, window: { misses: nine(0), samples: nine(-1) } })).toBeNull();
    expect(parseOnlineState({ ...base, window: { misses: nine(1), samples: nine(2) } })?.window.samples).toEqual(nine(2));
  });

  it('accepts a saved state and refuses malformed ones', () => {
    const c = new OnlineCalibrator(staticShift);
    c.step(5);
    expect(parseOnlineState(JSON.parse(JSON.stringify(c.snapshot())))).toEqual(c.snapshot());
    expect(parseOnlineState(null)).toBeNull();
    expect(parseOnlineState({ shift: [1, 2], steps: 0, steppedAt: null })).toBeNull();
    expect(parseOnlineState({ shift: new Array(9).fill(0), steps: -1, steppedAt: null })).toBeNull();
    expect(parseOnlineState({ shift: [...new Array(8).fill(0), 'x'], steps: 0, steppedAt: null })).toBeNull();
    expect(parseOnlineState({ shift: new Array(9).fill(0), steps: 1, steppedAt: 'soon' })).toBeNull();
  });
});
