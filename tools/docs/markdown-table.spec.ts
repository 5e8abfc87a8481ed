import { markdownTable } from './markdown-table';

describe('markdownTable', () => {
  it('pads every column to its widest cell, as Prettier does', () => {
    expect(
      markdownTable(
        ['a', 'bb'],
        [
          ['`x`', 'y'],
          ['long cell here', ''],
        ],
      ),
    ).toBe(
      [
        '| a              | bb  |',
        '| -------------- | --- |',
        '| `x`            | y   |',
        '| long cell here |     |',
      ].join('\n'),
    );
  });

  it('refuses a row whose cell count differs from the header', () => {
    expect(() => markdownTable(['a', 'b'], [['only one']])).toThrow('1 cells, the header 2');
  });

  it('refuses a cell with a pipe, which would split it', () => {
    expect(() => markdownTable(['a'], [['x | y']])).toThrow('contains "|"');
  });
});
