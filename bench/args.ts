/** Command-line options of the benchmarks: `--name value` pairs in the arguments after the benchmark's name. */

/** The value after `--name`, or `fallback` when the option is absent. */
export function option(args: readonly string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}

/** A non-negative number after `--name`, or `fallback`; anything else is an error naming the option. */
export function flag(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} needs a non-negative number`);
  return v;
}
