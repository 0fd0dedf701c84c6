/**
 * A small RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF. Meter exports are small enough
 * (a few MB) to parse in one pass over a string; nothing here touches the file system.
 */

export type Delimiter = "," | ";" | "\t";

export interface CsvTable {
  /** The row just before the first data row, or null when the file starts with data. */
  readonly header: readonly string[] | null;
  /** The first data row and every row after it. */
  readonly rows: readonly (readonly string[])[];
  readonly delimiter: Delimiter;
}

export function parseCsvRows(text: string, delimiter = ","): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // skip a byte-order mark (Excel exports)
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      field = "";
      if (row.length > 1 || row[0] !== "") rows.push(row);
      row = [];
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Semicolon-separated exports (common in NL/DE/AT locales) are detected from the first line. */
function detectDelimiter(firstLine: string): Delimiter {
  const counts = { ",": 0, ";": 0, "\t": 0 } as Record<Delimiter, number>;
  for (const ch of firstLine) if (ch === "," || ch === ";" || ch === "\t") counts[ch]++;
  if (counts[";"] > counts[","] && counts[";"] >= counts["\t"]) return ";";
  if (counts["\t"] > counts[","]) return "\t";
  return ",";
}

/** Excel's `sep=;` first line names the delimiter (Energienetze Steiermark's exports start with it). */
const SEP_LINE = /^\uFEFF?sep=([,;\t])[ \t]*$/i;

/**
 * Splits a file into header and data rows. The first row `isDataRow` accepts starts the data; the row
 * before it is the header; rows before the header (a title, account details, `sep=;`) are dropped.
 * Without any data row the first row is taken as the header and the rest as rows the caller cannot
 * read, so it can say which of the two is missing.
 */
export function parseCsvTable(text: string, isDataRow: (row: readonly string[]) => boolean): CsvTable {
  const lineEnd = text.search(/\r?\n|$/);
  const firstLine = text.slice(0, lineEnd);
  const sep = SEP_LINE.exec(firstLine);
  const delimiter = sep ? (sep[1] as Delimiter) : detectDelimiter(firstLine);
  const rows = parseCsvRows(sep ? text.slice(lineEnd).replace(/^\r?\n/, "") : text, delimiter);
  const first = rows.findIndex(isDataRow);
  if (first === -1) {
    const header = rows[0];
    return { header: header ? trimAll(header) : null, rows: rows.slice(1), delimiter };
  }
  const header = rows[first - 1];
  return { header: header ? trimAll(header) : null, rows: rows.slice(first), delimiter };
}

function trimAll(row: readonly string[]): string[] {
  return row.map((field) => field.trim());
}
