import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anyNumber,
  between,
  nonNegative,
  nonNegativeWhole,
  numberOption,
  optionalNumberOption,
  positive,
  positiveWhole,
  share,
  wholeNumber,
} from '../../src/cli/numberOption.js';

describe('numberOption', () => {
  it('returns the number a rule accepts', () => {
    expect(numberOption('epochs', '20', positiveWhole)).toBe(20);
    expect(numberOption('share', '0.2', share)).toBe(0.2);
    expect(numberOption('seed', '-3', wholeNumber)).toBe(-3);
    expect(numberOption('patience', '0', nonNegativeWhole)).toBe(0);
    expect(numberOption('hours', '24', between(1, 24, 'from 1 to 24'))).toBe(24);
    expect(optionalNumberOption('hours', undefined, positive)).toBeUndefined();
    expect(optionalNumberOption('hours', '1.5', positive)).toBe(1.5);
  });

  it('refuses what the rule refuses, naming the option, the rule and the text', () => {
    expect(() => numberOption('epochs', 'abc', positiveWhole)).toThrow('--epochs must be a whole number > 0, got "abc"');
    expect(() => numberOption('batch-size', '1.5', positiveWhole)).toThrow('--batch-size must be a whole number > 0, got "1.5"');
    expect(() => numberOption('miss-penalty', '-1', nonNegative)).toThrow('--miss-penalty must be a number ≥ 0, got "-1"');
    expect(() => numberOption('share', '1.01', share)).toThrow('--share must be from 0 to 1, got "1.01"');
    expect(() => numberOption('hours', '0.5', between(1, 24, 'from 1 to 24'))).toThrow('--hours must be from 1 to 24, got "0.5"');
    expect(() => optionalNumberOption('seed', 'x', anyNumber)).toThrow('--seed must be a number, got "x"');
  });

  it('never returns NaN or an infinity, whatever the rule and the text', () => {
    const rules = [anyNumber, nonNegative, positive, share, wholeNumber, nonNegativeWhole, positiveWhole, between(-Infinity, Infinity, 'any')];
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double().map(String), fc.constantFrom('Infinity', '-Infinity', 'NaN', '1e400')), fc.constantFrom(...rules), (text, rule) => {
        let value: number;
        try {
          value = numberOption('x', text, rule);
        } catch (error) {
          expect((error as Error).message).toBe(`--x must be ${rule.expected}, got "${text}"`);
          return;
        }
        expect(Number.isFinite(value)).toBe(true);
        expect(rule.ok(value)).toBe(true);
      }),
    );
  });
});
