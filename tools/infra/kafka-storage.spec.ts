import { randomClusterId } from './kafka-storage';

describe('randomClusterId', () => {
  it("is a Kafka Uuid: 22 base64url characters, never starting with '-'", () => {
    const ids = Array.from({ length: 200 }, () => randomClusterId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
