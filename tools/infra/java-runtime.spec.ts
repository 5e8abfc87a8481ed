import { javaMajorVersion } from './java-runtime';

describe('javaMajorVersion', () => {
  it('reads the major version of current and legacy `java -version` outputs', () => {
    expect(javaMajorVersion('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime')).toBe(17);
    expect(javaMajorVersion('openjdk version "21" 2023-09-19')).toBe(21);
    expect(javaMajorVersion('java version "1.8.0_412"')).toBe(8);
  });

  it('is NaN when the output names no version', () => {
    expect(javaMajorVersion('command not found')).toBeNaN();
  });
});
