/**
 * A small RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF. Meter exports are small enough
 * (a few MB) to parse in one pass over a string; nothing here touches the file system.
 */

export interface CsvTable {
  /** The header row, or null when the first row already holds data. */
  readonly header: readonly string[] | null;
  readonly rows: readonly (readonly string[])[];
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

/** Semicolon-separated exports (common in NL/DE locales) are detected from the first line. */
function detectDelimiter(text: string): "," | ";" | "\t" {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = { ",": 0, ";": 0, "\t": 0 } as Record<"," | ";" | "\t", number>;
  for (const ch of firstLine) if (ch === "," || ch === ";" || ch === "\t") counts[ch]++;
  if (counts[";"] > counts[","] && counts[";"] >= counts["\t"]) return ";";
  if (counts["\t"] > counts[","]) return "\t";
  return ",";
}

/** Splits off a header row: the first row is a header when its first field is not a timestamp. */
export function parseCsvTable(text: string, isTimestamp: (field: string) => boolean): CsvTable {
  const rows = parseCsvRows(text, detectDelimiter(text));
  const first = rows[0];
  if (first === undefined) return { header: null, rows: [] };
  const hasHeader = !isTimestamp((first[0] ?? "").trim());
  return hasHeader ? { header: first.map((h) => h.trim()), rows: rows.slice(1) } : { header: null, rows };
}
