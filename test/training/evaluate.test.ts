import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SAMPLE = 'bitbrains:data/bitbrains-rnd-2013-07-sample.tar.gz';

async function evaluate(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-evaluate-'));
  return run(
    join('node_modules', '.bin', 'tsx'),
    ['training/evaluate.ts', '--trace', SAMPLE, '--no-model', '--split', 'temporal', '--json', '--svg', join(dir, 'chart.svg'), ...args],
    { timeout: 120_000 },
  );
}

describe('npm run evaluate --declared-peak', () => {
  it('scores the same examples with observed peaks declared: only what reads the declaration changes', async () => {
    const [provisioned, observed] = await Promise.all([evaluate([]), evaluate(['--declared-peak', 'observed'])]);
    const a = JSON.parse(provisioned.stdout);
    const b = JSON.parse(observed.stdout);
    expect(b.examples).toBe(a.examples);
    // History baselines do not read the declaration; the declared profile does, and a tight peak is closer (about half the MAE on the sample).
    expect(b.targets.cpu_p95.baselines.last_value).toEqual(a.targets.cpu_p95.baselines.last_value);
    expect(b.targets.cpu_p95.baselines.declared_profile.mae).toBeLessThan(0.75 * a.targets.cpu_p95.baselines.declared_profile.mae);
  }, 150_000);

  it('refuses an unknown declaration with the choices', async () => {
    await expect(evaluate(['--declared-peak', 'tight'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--declared-peak must be provisioned or observed, got "tight"'),
    });
  });

  it.each([
    ['--stride-minutes', '0', '--stride-minutes must be a number > 0, got "0"'],
    ['--history-hours', '30', '--history-hours must be a number of hours from 1 (one horizon) to 24, got "30"'],
  ])('refuses %s %s, naming the option', async (option, value, message) => {
    await expect(evaluate([option, value])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining(message) });
  });
});
