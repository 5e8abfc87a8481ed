/** The strategies `bench:insert` compares: a write method on a schema variant. */
import {
  SchemaVariant,
  asMigrated,
  brinOccurredAt,
  unpartitioned,
  withoutIndexes,
} from './schemas';
import { WriteMethod, copyStaging, copyStagingPresummed, unnestProduct } from './write-methods';

export interface Strategy {
  name: string;
  schema: SchemaVariant;
  method: WriteMethod;
}

const strategy = (
  name: string,
  schema: SchemaVariant,
  method: (productSql: string, schema: SchemaVariant) => WriteMethod,
  productSql: string,
): Strategy => ({ name, schema, method: method(productSql, schema) });

/** In order; the first is the baseline every other's table contents must equal. */
export function strategies(productSql: string): Strategy[] {
  return [
    strategy('1 baseline', asMigrated, unnestProduct, productSql),
    strategy('2 copy+staging', asMigrated, copyStaging, productSql),
    strategy('3 copy+node sums', asMigrated, copyStagingPresummed, productSql),
    strategy('4 unpartitioned', unpartitioned, unnestProduct, productSql),
    strategy('4+3 unpartitioned copy+sums', unpartitioned, copyStagingPresummed, productSql),
    strategy(
      '5a -type idx',
      withoutIndexes('events_type_occurred_at_idx'),
      unnestProduct,
      productSql,
    ),
    strategy(
      '5b -source idx',
      withoutIndexes('events_source_occurred_at_idx'),
      unnestProduct,
      productSql,
    ),
    strategy(
      '5c -2 filter idx',
      withoutIndexes('events_type_occurred_at_idx', 'events_source_occurred_at_idx'),
      unnestProduct,
      productSql,
    ),
    strategy('5d BRIN occurred_at', brinOccurredAt, unnestProduct, productSql),
  ];
}
