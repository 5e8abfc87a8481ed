import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { IncidentCounts, RuleCounts } from './status-answer';

interface CountsRow {
  rules: string;
  enabled_rules: string;
  open_incidents: string;
  acknowledged_incidents: string;
}

@Injectable()
export class StatusRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Rules and unresolved incidents in one round trip. The incident counts read the
   * (status, opened_at) index; the rule table is small.
   */
  async counts(): Promise<{ rules: RuleCounts; incidents: IncidentCounts }> {
    const [row] = await this.dataSource.query<CountsRow[]>(
      `SELECT (SELECT count(*) FROM alert_rules) AS rules,
              (SELECT count(*) FROM alert_rules WHERE enabled) AS enabled_rules,
              (SELECT count(*) FROM incidents WHERE status = 'open') AS open_incidents,
              (SELECT count(*) FROM incidents WHERE status = 'acknowledged') AS acknowledged_incidents`,
    );
    return {
      rules: { loaded: Number(row.rules), enabled: Number(row.enabled_rules) },
      incidents: {
        open: Number(row.open_incidents),
        acknowledged: Number(row.acknowledged_incidents),
      },
    };
  }
}
