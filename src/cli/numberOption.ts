/**
 * Numeric command-line options, read one way by every command (`npm run train`, `evaluate`, `simulate`, ...): the
 * text is converted with `Number` and a value the option's rule refuses (NaN and ±Infinity included) is an error that
 * names the option, what it must be and what it got, e.g. `--epochs must be a whole number > 0, got "abc"`. Commands
 * read their options before any data, so a typo costs nothing.
 */

/** What an option accepts, and how the error says it. */
export interface NumberRule {
  ok: (value: number) => boolean;
  expected: string;
}

/** The value of `--name` given as `text`, or an error naming the option when `rule` refuses it. */
export function numberOption(name: string, text: string, rule: NumberRule): number {
  const value = Number(text);
  if (!(Number.isFinite(value) && rule.ok(value))) throw new Error(`--${name} must be ${rule.expected}, got "${text}"`);
  return value;
}

/** `numberOption` for an option without a default: undefined when it was not given. */
export function optionalNumberOption(name: string, text: string | undefined, rule: NumberRule): number | undefined {
  return text === undefined ? undefined : numberOption(name, text, rule);
}

const rule = (expected: string, ok: (value: number) => boolean): NumberRule => ({ expected, ok });

export const anyNumber = rule('a number', () => true);
export const nonNegative = rule('a number ≥ 0', (v) => v >= 0);
export const positive = rule('a number > 0', (v) => v > 0);
/** A share of examples or of a population. */
export const share = rule('from 0 to 1', (v) => v >= 0 && v <= 1);
export const wholeNumber = rule('a whole number', (v) => Number.isInteger(v));
export const nonNegativeWhole = rule('a whole number ≥ 0', (v) => Number.isInteger(v) && v >= 0);
export const positiveWhole = rule('a whole number > 0', (v) => Number.isInteger(v) && v > 0);
/** A number in [min, max], described by `expected`. */
export const between = (min: number, max: number, expected: string): NumberRule => rule(expected, (v) => v >= min && v <= max);
