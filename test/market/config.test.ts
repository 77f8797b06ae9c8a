import { describe, expect, it } from 'vitest';
import { engineConfigProblems, type EngineConfig } from '../../src/market/index.js';

describe('engineConfigProblems', () => {
  it('passes overrides the schema accepts, merged over the defaults as a round merges them', () => {
    expect(engineConfigProblems({})).toBeNull();
    expect(engineConfigProblems({ epsilon: 0.05, weights: { packing: 0 } as EngineConfig['weights'] })).toBeNull();
  });

  it('names every field the schema refuses', () => {
    const problems = engineConfigProblems({ epsilon: 0.7, weights: { price: -1 } as EngineConfig['weights'] });
    expect(problems).toMatch(/(^|; )weights\.price: /);
    expect(problems).toMatch(/(^|; )epsilon: /);
  });

  it('says why when the overrides are not an object at all', () => {
    expect(engineConfigProblems(null as unknown as Partial<EngineConfig>)).toMatch(/null/);
  });
});
