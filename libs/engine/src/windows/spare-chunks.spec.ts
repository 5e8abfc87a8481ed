import { SpareChunks } from './spare-chunks';

describe('SpareChunks', () => {
  it('hands back the longest kept chunk within the bounds, each once', () => {
    const spares = new SpareChunks(10_000);
    const short = new Float64Array(100);
    const long = new Float64Array(1000);
    spares.put(short);
    spares.put(long);
    expect(spares.take(50, 500)).toBe(short);
    expect(spares.take(50, 500)).toBeNull();
    expect(spares.take(50, 5000)).toBe(long);
    expect(spares.take(1, 5000)).toBeNull();
    spares.put(short);
    expect(spares.take(200, 5000)).toBeNull();
    expect(spares.size).toBe(100);
  });

  it('keeps no more numbers than its bound: the rest goes to the GC', () => {
    const spares = new SpareChunks(1500);
    spares.put(new Float64Array(1000));
    spares.put(new Float64Array(1000));
    expect(spares.size).toBe(1000);
    spares.put(new Float64Array(500));
    expect(spares.size).toBe(1500);
  });
});
