import { stringify, type Stringifier } from 'csv-stringify';
import type { FastifyReply } from 'fastify';

/** A column of an export: the row's field and its heading. */
export type CsvColumn<Row> = { key: keyof Row & string; header: string };

/**
 * A text cell a spreadsheet would read as a formula (it starts with = + - @, a tab or a carriage
 * return) gets a leading apostrophe, which spreadsheets show as text: OWASP's advice on CSV injection.
 */
export function spreadsheetSafe(text: string) {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * A CSV writer (csv-stringify: RFC 4180 quoting, CRLF between records) with a header row and every
 * text cell made spreadsheet-safe. A cell with a bare line break is quoted too: csv-stringify quotes
 * only those holding the record delimiter itself.
 */
export function csvWriter<Row>(columns: CsvColumn<Row>[]) {
  return stringify({ header: true, columns, record_delimiter: 'windows', quoted_match: /[\r\n]/, cast: { string: spreadsheetSafe } });
}

/**
 * Writes `rows` to the CSV writer and resolves once it can take more: the producer waits while the
 * client reads, so no more than a batch is held. Rejects when the download was closed meanwhile.
 */
export async function writeRows<Row>(csv: Stringifier, rows: Row[]) {
  let ready = true;
  for (const row of rows) {
    if (csv.destroyed) throw new Error('The download was closed.');
    ready = csv.write(row);
  }
  if (ready) return;
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Error) => {
      csv.off('drain', onDrain);
      csv.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error('The download was closed.'));
    csv.on('drain', onDrain);
    csv.on('close', onClose);
  });
}

/**
 * Answers with a CSV download that `produce` fills through `write`, as it reads; the answer starts at
 * once. A failure after that can only cut the download short (logged).
 */
export function sendCsv<Row>(
  reply: FastifyReply,
  download: { filename: string; columns: CsvColumn<Row>[] },
  produce: (write: (rows: Row[]) => Promise<void>) => Promise<void>,
) {
  const csv = csvWriter(download.columns);
  produce((rows) => writeRows(csv, rows)).then(
    () => csv.end(),
    (error: Error) => {
      if (!csv.destroyed) reply.log.error({ err: error }, 'a CSV export failed part-way');
      csv.destroy(error);
    },
  );
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${download.filename}"`)
    .header('cache-control', 'no-store')
    .send(csv);
}
