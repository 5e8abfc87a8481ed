import { ProbeStamps, slowestStage, stageRows, TOTAL, durationOf } from './stage-table';

const probe = (base: number, fetchWait: number): ProbeStamps => ({
  sent: base,
  appended: base + 1,
  acknowledged: base + 3,
  fetched: base + 1 + fetchWait,
  evaluating: base + 2 + fetchWait,
  evaluated: base + 4 + fetchWait,
  incidentAppended: base + 6 + fetchWait,
  read: base + 8 + fetchWait,
});

describe('stage table', () => {
  it('splits the total into stages that add up to it', () => {
    const rows = stageRows([probe(0, 10), probe(100, 900)]);
    const fetch = rows.find((row) => row.name.includes('fetched by alerting'))!;
    expect(fetch).toMatchObject({ p50: 10, max: 900, count: 2 });
    expect(rows.find((row) => row.name === TOTAL.name)).toMatchObject({ p50: 18, max: 908 });
  });

  it('names the stage that held a slow probe', () => {
    const { stage, ms } = slowestStage(probe(0, 900));
    expect(stage.name).toBe('event appended -> fetched by alerting');
    expect(ms).toBe(900);
    expect(durationOf(probe(0, 900), TOTAL)).toBe(908);
  });

  it('leaves a probe without a stamp out of that stage only', () => {
    const rows = stageRows([{ ...probe(0, 10), fetched: NaN }, probe(100, 20)]);
    expect(rows.find((row) => row.name.includes('fetched by alerting'))!.count).toBe(1);
    expect(rows.find((row) => row.name === TOTAL.name)!.count).toBe(2);
  });
});
