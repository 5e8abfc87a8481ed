import { setFlagsFromString } from 'node:v8';
import { limitHeapGrowth } from './heap-growth';

jest.mock('node:v8', () => ({ setFlagsFromString: jest.fn() }));

describe('limitHeapGrowth', () => {
  afterEach(() => jest.mocked(setFlagsFromString).mockClear());

  it("sets V8's heap growing factor", () => {
    limitHeapGrowth(50);
    expect(setFlagsFromString).toHaveBeenCalledWith('--heap-growing-percent=50');
  });

  it("leaves V8's own heuristics alone at 0", () => {
    limitHeapGrowth(0);
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });
});
