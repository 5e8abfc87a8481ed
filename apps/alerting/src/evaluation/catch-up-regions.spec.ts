import { CatchUpRegions } from './catch-up-regions';

describe('CatchUpRegions', () => {
  it('gives the events below the position to the catching-up rule alone, then every rule', () => {
    const regions = new CatchUpRegions();
    expect(regions.add(0, 'new', 10n, 50n, 3)).toBe(10n);
    expect(regions.rulesFor(0, 9n)).toEqual(new Set());
    expect(regions.rulesFor(0, 10n)).toEqual(new Set(['new']));
    expect(regions.rulesFor(0, 50n)).toBeNull();
    expect(regions.rulesFor(1, 10n)).toBeNull();
    expect(regions.rulesBefore(0)).toBe(3);
    expect(regions.reached(0, 49n)).toBe(false);
    expect(regions.reached(0, 50n)).toBe(true);
    expect(regions.rulesFor(0, 10n)).toBeNull();
    expect(regions.rulesBefore(0)).toBeUndefined();
  });

  it('has nothing to read again when the look-back starts at or after the position', () => {
    const regions = new CatchUpRegions();
    expect(regions.add(0, 'new', 50n, 50n, 3)).toBeNull();
    expect(regions.rulesFor(0, 49n)).toBeNull();
  });

  it('lets a second rule catch up without giving the first one an event twice', () => {
    const regions = new CatchUpRegions();
    regions.add(0, 'first', 10n, 50n, 3);
    // Evaluation got to 30 for "first" when "second" arrived.
    expect(regions.add(0, 'second', 5n, 30n, 4)).toBe(5n);
    expect(regions.rulesFor(0, 5n)).toEqual(new Set(['second']));
    expect(regions.rulesFor(0, 30n)).toEqual(new Set(['first', 'second']));
    expect(regions.rulesFor(0, 50n)).toBeNull();
    // The first catch-up's starting point still bounds what the commits may claim.
    expect(regions.rulesBefore(0)).toBe(3);
  });
});
