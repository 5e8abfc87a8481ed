import { listingConnections, otherConnections } from './listing-statements';

describe('the gateway pool split', () => {
  it.each([
    [1, 1, 1],
    [2, 1, 1],
    [5, 2, 3],
    [10, 5, 5],
  ])('DATABASE_POOL_SIZE %i: %i for listings, %i for the rest', (size, listings, others) => {
    expect(listingConnections(size)).toBe(listings);
    expect(otherConnections(size)).toBe(others);
  });
});
