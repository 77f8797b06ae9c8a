/** A snapshot or argument that breaks the contract (unknown node, duplicate id, negative price...): a caller bug. */
export class MarketInputError extends Error {
  override readonly name = 'MarketInputError';
}
