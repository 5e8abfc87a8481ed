import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { IncidentCounts, RuleCounts } from './status-answer';

interface CountsRow {
  rules: string;
  enabled_rules: string;
  file_rules: string;
  enabled_file_rules: string;
  open_incidents: string;
  acknowledged_incidents: string;
}

@Injectable()
export class StatusRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Rules and unresolved incidents in one round trip. The incident counts read the
   * (status, opened_at) index; the rule table is small. The rules alerting runs are the
   * table's and those of its rules file (`fileRules`, from alerting's reports) whose id no
   * row has: a row replaces the file's rule of the same id.
   */
  async counts(
    fileRules: readonly { id: string; enabled: boolean }[],
  ): Promise<{ rules: RuleCounts; incidents: IncidentCounts }> {
    const [row] = await this.dataSource.query<CountsRow[]>(
      `SELECT r.rules, r.enabled_rules, f.file_rules, f.enabled_file_rules,
              i.open_incidents, i.acknowledged_incidents
         FROM (SELECT count(*) AS rules, count(*) FILTER (WHERE enabled) AS enabled_rules
                 FROM alert_rules) AS r,
              (SELECT count(*) AS file_rules, count(*) FILTER (WHERE f.enabled) AS enabled_file_rules
                 FROM unnest($1::text[], $2::boolean[]) AS f(id, enabled)
                WHERE NOT EXISTS (SELECT 1 FROM alert_rules r WHERE r.id = f.id)) AS f,
              (SELECT count(*) FILTER (WHERE status = 'open') AS open_incidents,
                      count(*) FILTER (WHERE status = 'acknowledged') AS acknowledged_incidents
                 FROM incidents WHERE status IN ('open', 'acknowledged')) AS i`,
      [fileRules.map((rule) => rule.id), fileRules.map((rule) => rule.enabled)],
    );
    const fromFile = Number(row.file_rules);
    return {
      rules: {
        loaded: Number(row.rules) + fromFile,
        enabled: Number(row.enabled_rules) + Number(row.enabled_file_rules),
        fromFile,
      },
      incidents: {
        open: Number(row.open_incidents),
        acknowledged: Number(row.acknowledged_incidents),
      },
    };
  }
}
