import { parseOptions } from './options';

describe('parseOptions', () => {
  it('needs both checkouts', () => {
    expect(() => parseOptions(['--old', 'a'])).toThrow(/--old and --new are required/);
  });

  it('refuses one broker for both builds, and unknown options', () => {
    expect(() =>
      parseOptions(['--old', 'a', '--new', 'b', '--old-kafka', 'h:1', '--new-kafka', 'h:1']),
    ).toThrow(/a broker each/);
    expect(() => parseOptions(['--old', 'a', '--new', 'b', '--olds', 'x'])).toThrow(
      /unknown option/,
    );
  });

  it('takes an anchor on a whole hour only', () => {
    const base = ['--old', 'a', '--new', 'b'];
    expect(parseOptions([...base, '--anchor', '2026-12-05T16:00:00Z']).anchor).toBe(
      Date.parse('2026-12-05T16:00:00Z'),
    );
    expect(() => parseOptions([...base, '--anchor', '2026-12-05T16:30:00Z'])).toThrow(/whole hour/);
  });

  it('has defaults for the rest', () => {
    const options = parseOptions(['--old', 'a', '--new', 'b', '--tamper']);
    expect(options).toMatchObject({
      events: 200_000,
      seed: 15,
      tamper: true,
      keep: false,
      idReuses: 0,
    });
    expect(options.anchor % 3_600_000).toBe(0);
  });
});
