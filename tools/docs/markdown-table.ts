/** Prettier never narrows a column below the three dashes of its delimiter row. */
const MIN_COLUMN_WIDTH = 3;

/**
 * A Markdown table laid out the way Prettier lays one out (every column padded to its widest
 * cell), so a generated table passes `npm run format:check` exactly as it is written.
 * Cells are taken as Markdown text; a `|` inside one would end the cell, so it is refused.
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  for (const row of [header, ...rows]) {
    if (row.length !== header.length)
      throw new Error(`a table row has ${row.length} cells, the header ${header.length}`);
    const piped = row.find((cell) => cell.includes('|'));
    if (piped !== undefined) throw new Error(`a table cell contains "|": ${piped}`);
  }
  const widths = header.map((_, column) =>
    Math.max(MIN_COLUMN_WIDTH, ...[header, ...rows].map((row) => row[column].length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
    '\n',
  );
}
