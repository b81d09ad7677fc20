import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { csvWriter, spreadsheetSafe, writeRows } from './progress-insight.csv.ts';

type Row = { name: string; score: number | null };
const columns = [
  { key: 'name', header: 'Name' },
  { key: 'score', header: 'Score' },
] as const;

/** The CSV written for `batches`, read by a consumer that takes `delayMs` per chunk; and how many rows the writer ever held. */
async function written(batches: Row[][], delayMs = 0) {
  const csv = csvWriter<Row>([...columns]);
  let text = '';
  let mostHeld = 0;
  const done = new Promise<void>((resolve) => {
    csv
      .pipe(
        new Writable({
          write(chunk, _encoding, callback) {
            text += chunk.toString();
            setTimeout(callback, delayMs);
          },
        }),
      )
      .on('finish', resolve);
  });
  for (const batch of batches) {
    await writeRows(csv, batch);
    mostHeld = Math.max(mostHeld, csv.writableLength);
  }
  csv.end();
  await done;
  return { lines: text.trimEnd().split('\r\n'), mostHeld };
}

describe('spreadsheetSafe', () => {
  it('prefixes an apostrophe to text a spreadsheet would read as a formula, and leaves the rest', () => {
    for (const formula of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(spreadsheetSafe(formula)).toBe(`'${formula}`);
    for (const text of ['Priya', '', ' =1', "'quoted", 'a=b']) expect(spreadsheetSafe(text)).toBe(text);
  });
});

describe('csvWriter', () => {
  it('writes a header, quotes commas, quotes and line breaks, and neutralises formulas after quoting them', async () => {
    const { lines } = await written([
      [
        { name: 'Ada, "the" first', score: 5 },
        { name: '=HYPERLINK("x")', score: null },
        { name: 'two\nlines', score: -1 },
      ],
    ]);
    expect(lines).toEqual(['Name,Score', '"Ada, ""the"" first",5', `"'=HYPERLINK(""x"")",`, '"two\nlines",-1']);
  });

  it('waits for a slow reader between batches, so that no more than a batch is held', async () => {
    const batches = Array.from({ length: 20 }, (_, batch) =>
      Array.from({ length: 50 }, (_, row) => ({ name: `row ${batch}-${row}`, score: row })),
    );
    const { lines, mostHeld } = await written(batches, 1);
    expect(lines).toHaveLength(1 + 1000);
    expect(mostHeld).toBeLessThanOrEqual(50);
  });

  it('rejects a write once the download is closed', async () => {
    const csv = csvWriter<Row>([...columns]);
    csv.destroy();
    await expect(writeRows(csv, [{ name: 'late', score: 1 }])).rejects.toThrow('The download was closed.');
  });
});
