import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery records expire by age (DELIVERIES_RETENTION_DAYS), whatever their incident: the
 * consumer's retention pass deletes them oldest first, in chunks, each chunk an index range
 * instead of a scan of the whole table. Deliveries are written a few per incident, so the
 * index costs nothing that shows.
 */
export class IndexDeliveriesByTime1768000000001 implements MigrationInterface {
  name = 'IndexDeliveriesByTime1768000000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX deliveries_at_idx ON deliveries (at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX deliveries_at_idx`);
  }
}
