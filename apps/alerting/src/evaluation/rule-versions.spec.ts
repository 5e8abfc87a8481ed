import { FILE_POSITION } from '../rules/rule-catalog.service';
import { RuleVersions } from './rule-versions';

describe('RuleVersions', () => {
  it('knows each rule by the position of the record it started with; rules from the file by FILE_POSITION', () => {
    const versions = new RuleVersions();
    versions.started('payments', 12);
    expect(versions.versionOf('payments')).toBe(12);
    expect(versions.versionOf('from-file')).toBe(FILE_POSITION);
    versions.deleted('payments');
    expect(versions.versionOf('payments')).toBe(FILE_POSITION);
  });

  it('settles on the newest position applied, never moving back', () => {
    const versions = new RuleVersions();
    expect(versions.settled()).toBe(FILE_POSITION);
    expect(versions.moved(5)).toBe(FILE_POSITION);
    expect(versions.moved(3)).toBe(5);
    expect(versions.settled()).toBe(5);
  });

  it('holds the settled position at what rules had before the first pending catch-up, until all are done', () => {
    const versions = new RuleVersions();
    versions.moved(5);
    versions.catchUpQueued(versions.moved(8));
    versions.catchUpQueued(versions.moved(9));
    expect(versions.catchUpBase).toBe(5);
    expect(versions.settled()).toBe(5);
    versions.catchUpSettled();
    expect(versions.settled()).toBe(5);
    versions.catchUpSettled();
    expect(versions.settled()).toBe(9);
  });
});
