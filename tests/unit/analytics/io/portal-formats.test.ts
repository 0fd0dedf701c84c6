/**
 * The grid operators' portal exports as downloaded, a few rows each, read with the options DOCS.md
 * gives for them. Headers, separators, number and date formats and the DST rows are those of the
 * real exports in awattar-backtesting/awattar-backtesting.github.io @92c412a8 `samples/` (a public
 * tool that reads them; file named at each test), with the rows cut down and the meter ids blanked.
 */
import { describe, expect, it } from "vitest";
import { loadReadings, type TimestampOptions } from "../../../../src/analytics/io/load.js";
import { ZonedCalendar } from "../../../../src/time/zoned.js";

const vienna = new ZonedCalendar("Europe/Vienna");

/** Each reading as [interval start in UTC, value]. */
function read(text: string, columns: string[], timestamps?: Partial<TimestampOptions>) {
  const loaded = loadReadings([{ name: "export.csv", text }], columns, vienna, {
    column: 0,
    at: "start",
    ...timestamps,
  });
  return {
    rows: loaded.readings.map((r) => [new Date(r.timeMs).toISOString().slice(0, 16), r.value]),
    warnings: loaded.warnings,
    columns: loaded.columns,
  };
}

const lines = (...rows: string[]) => `${rows.join("\r\n")}\r\n`;

describe("Wiener Netze, Smart Meter-Webportal, Datenexport → Viertelstundenwerte", () => {
  // samples/wienernetze-fullyear.csv: BOM, date and start time in separate columns, decimal comma,
  // two empty trailing columns; 29.10.2023 lists 02:00–02:45 twice, 31.03.2024 goes 01:45 → 03:00.
  const header = "\uFEFFDatum;Zeit von;Zeit bis;Haus - AT0010000000000000001000000000000 - Verbrauch [kWh];;";

  it("reads the repeated hour of the autumn change as two hours", () => {
    const text = lines(
      header,
      "29.10.2023;01:45:00;02:00:00;0,061;;",
      "29.10.2023;02:00:00;02:15:00;0,062;;",
      "29.10.2023;02:45:00;02:00:00;0,063;;",
      "29.10.2023;02:00:00;02:15:00;0,064;;",
      "29.10.2023;02:45:00;03:00:00;0,065;;",
      "29.10.2023;03:00:00;03:15:00;0,066;;",
    );
    const expected = [
      ["2023-10-28T23:45", 0.061],
      ["2023-10-29T00:00", 0.062],
      ["2023-10-29T00:45", 0.063],
      ["2023-10-29T01:00", 0.064],
      ["2023-10-29T01:45", 0.065],
      ["2023-10-29T02:00", 0.066],
    ];
    expect(read(text, ["3"]).rows).toEqual(expected);
    // Without --column: "Zeit bis" is a time, so the first number after the start is column 3.
    const byDefault = read(text, []);
    expect(byDefault.rows).toEqual(expected);
    expect(byDefault.columns).toEqual([
      "export.csv:Haus - AT0010000000000000001000000000000 - Verbrauch [kWh]",
    ]);
  });

  it("passes the spring change without a gap", () => {
    const text = lines(
      header,
      "31.03.2024;01:30:00;01:45:00;0,069;;",
      "31.03.2024;01:45:00;03:00:00;0,07;;",
      "31.03.2024;03:00:00;03:15:00;0,071;;",
    );
    expect(read(text, ["3"])).toMatchObject({
      rows: [
        ["2024-03-31T00:30", 0.069],
        ["2024-03-31T00:45", 0.07],
        ["2024-03-31T01:00", 0.071],
      ],
      warnings: [],
    });
  });

  it("reads blank values (samples/wienernetze2.csv) as gaps, not zeros", () => {
    const text = lines(
      "\uFEFFDatum;Zeit von;Zeit bis;AT0010000000000000001000000000000 (1234567890) - Verbrauch [kWh];;",
      "01.03.2023;00:00:00;00:15:00;;",
      "01.03.2023;00:15:00;00:30:00;0,125;;",
    );
    const { rows } = read(text, ["3"]);
    expect(rows[0]![1]).toBeNaN();
    expect(rows[1]).toEqual(["2023-02-28T23:15", 0.125]);
  });

  it("reads the E-Control export, which labels each quarter hour by its end with an offset", () => {
    // samples/wienernetze-econtrol.csv
    const text = lines(
      "\uFEFFEnde Ablesezeitraum;Messintervall;Abrechnungsmaßeinheit;Wohnung - AT0010000000000000001000000000000 (0000000000) - Verbrauch [kWh]",
      "2024-01-01T00:15+01:00;QH;KWH;0,017",
      "2024-01-01T00:30+01:00;QH;KWH;0,015",
      "2024-01-01T00:45+01:00;QH;KWH;0,014",
    );
    expect(read(text, ["3"], { at: "end" }).rows).toEqual([
      ["2023-12-31T23:00", 0.017],
      ["2023-12-31T23:15", 0.015],
      ["2023-12-31T23:30", 0.014],
    ]);
  });
});

describe("Netz NÖ, Smart Meter-Portal, Verbrauch (Jahresverbrauch-YYYY.csv)", () => {
  // samples/NetzNOEv2.csv: `Messzeitpunkt;Verbrauch (kWh);Qualität;`, `dd.mm.yyyy HH:MM` marking the END
  // of each quarter hour (a day runs 00:15 … 24:00), decimal comma with six places, trailing `;`.
  it("moves end labels to interval starts across the spring change (samples/NetzNOE.csv, 26.03.2023)", () => {
    const text = lines(
      "\uFEFFMesszeitpunkt;Verbrauch (kWh);Qualität;",
      "26.03.2023 01:15;0,708000;G;",
      "26.03.2023 01:30;1,018000;G;",
      "26.03.2023 01:45;1,010000;G;",
      "26.03.2023 03:00;1,008000;G;",
      "26.03.2023 03:15;1,015000;G;",
    );
    expect(read(text, ["1"], { at: "end" })).toMatchObject({
      rows: [
        ["2023-03-26T00:00", 0.708],
        ["2023-03-26T00:15", 1.018],
        ["2023-03-26T00:30", 1.01],
        ["2023-03-26T00:45", 1.008],
        ["2023-03-26T01:00", 1.015],
      ],
      warnings: [],
    });
  });

  it("keeps both copies of the repeated hour in autumn, where the labels step back from 02:45 to 02:00", () => {
    // The autumn order as holzga/netz-noe-lastprofil @ec5ef462 convert.py describes it.
    const text = lines(
      "\uFEFFMesszeitpunkt;Verbrauch (kWh);Qualität;",
      "29.10.2023 02:45;0,100000;G;",
      "29.10.2023 02:00;0,200000;G;",
      "29.10.2023 02:15;0,300000;G;",
      "29.10.2023 02:45;0,400000;G;",
      "29.10.2023 03:00;0,500000;G;",
    );
    expect(read(text, ["Verbrauch (kWh)"], { at: "end" }).rows).toEqual([
      ["2023-10-29T00:30", 0.1],
      ["2023-10-29T00:45", 0.2],
      ["2023-10-29T01:00", 0.3],
      ["2023-10-29T01:30", 0.4],
      ["2023-10-29T01:45", 0.5],
    ]);
  });

  it("reads the older export's measured column and the energy-community export's total", () => {
    // samples/NetzNOE.csv and samples/NetzNOEv3-eeg.csv
    const older = lines(
      "\uFEFFMesszeitpunkt;Gemessener Verbrauch (kWh);Ersatzwert;",
      "01.01.2023 00:15;0,454;;",
      "01.01.2023 00:30;0,215;;",
    );
    expect(read(older, ["1"], { at: "end" }).rows).toEqual([
      ["2022-12-31T23:00", 0.454],
      ["2022-12-31T23:15", 0.215],
    ]);
    const community = lines(
      "\uFEFFMesszeitpunkt;Verbrauch (kWh);Restnetzbezug (kWh);Eigendeckung (kWh);Ideeller Anteil (kWh);Eigendeckung erneuerb. Energie (kWh);",
      "01.01.2024 00:15;0,461000;0,461000;0,000000;0,000000;;",
      "01.01.2024 00:30;0,383000;0,383000;0,000000;0,000000;;",
    );
    expect(read(community, ["1"], { at: "end" }).rows).toEqual([
      ["2023-12-31T23:00", 0.461],
      ["2023-12-31T23:15", 0.383],
    ]);
  });
});

describe("Energienetze Steiermark, Smart Meter-Webportal", () => {
  it("skips Excel's sep=; line and reads the start time in column 3 (samples/EnergienetzeSteiermark.csv)", () => {
    const text = lines(
      "\uFEFFsep=;",
      "Anlagennummer;Zaehlpunkt;Tarif;Verbrauchszeitraum Beginn;Verbrauchszeitraum Ende;Verbrauch;Einheit;Messwert: VAL...gemessen, EST...rechnerisch ermittelt",
      "12345678;AT0080000000000000000000000000000;;28.04.2022 00:00;28.04.2022 00:15;0,013;KWH;VAL",
      "12345678;AT0080000000000000000000000000000;;28.04.2022 00:15;28.04.2022 00:30;0,008;KWH;VAL",
    );
    const expected = [
      ["2022-04-27T22:00", 0.013],
      ["2022-04-27T22:15", 0.008],
    ];
    expect(read(text, ["5"], { column: 3 }).rows).toEqual(expected);
    expect(read(text, ["Verbrauch"], { column: 3 }).rows).toEqual(expected);
    // Without --column: the end time in column 4 is no number, so column 5 is the first value.
    expect(read(text, [], { column: 3 }).rows).toEqual(expected);
  });

  it("reads the newer export, without sep=; and with Wert (samples/EnergienetzeSteiermarkv2.csv)", () => {
    const text = lines(
      "\uFEFFAnlagennummer;Zählpunkt;Tarif;Statistikzeitraum Beginn;Statistikzeitraum Ende;Wert;Einheit;Messwert: VAL...gemessen, EST...rechnerisch ermittelt",
      "00000000;AT0000000000000000000000000000000;;26.04.2024 23:30;26.04.2024 23:45;0,084;KWH;VAL",
      "00000000;AT0000000000000000000000000000000;;26.04.2024 23:45;27.04.2024 00:00;0,07;KWH;VAL",
    );
    expect(read(text, ["5"], { column: 3 }).rows).toEqual([
      ["2024-04-26T21:30", 0.084],
      ["2024-04-26T21:45", 0.07],
    ]);
  });

  it("says where to look when the timestamp is not in column 0", () => {
    const text = lines(
      "Anlagennummer;Zaehlpunkt;Tarif;Verbrauchszeitraum Beginn;Verbrauchszeitraum Ende;Verbrauch",
      "12345678;AT0080000000000000000000000000000;;28.04.2022 00:00;28.04.2022 00:15;0,013",
    );
    expect(() => read(text, ["5"])).toThrow(
      "export.csv: no row starts with a timestamp (if it is in another column, name it with --timestamp-column)",
    );
  });
});

describe("other Austrian portals", () => {
  it("Linz Netz: start and end in one column each (samples/LinzAG.csv)", () => {
    const text = lines(
      "Datum von;Datum bis;Energiemenge in kWh;Ersatzwert",
      "01.03.2023 00:00;01.03.2023 00:15;0,037; ",
      "01.03.2023 00:15;01.03.2023 00:30;0,045; ",
    );
    expect(read(text, ["2"]).rows).toEqual([
      ["2023-02-28T23:00", 0.037],
      ["2023-02-28T23:15", 0.045],
    ]);
  });

  it("Salzburg Netz: quoted cells, a decimal point or comma (samples/SalzburgNetz1.csv, SalzburgNetz4.csv)", () => {
    const first = lines(
      '\uFEFF"Datum und Uhrzeit";"Lastgänge (306,499 kWh)";"Status"',
      '"2023-06-08 00:00:00";0.219;"Wert ist gültig"',
      '"2023-06-08 00:15:00";0.229;"Wert ist gültig"',
    );
    expect(read(first, ["1"]).rows).toEqual([
      ["2023-06-07T22:00", 0.219],
      ["2023-06-07T22:15", 0.229],
    ]);
    const fourth = lines(
      '"Datum";"Restverbrauch (kWh)";"Status"',
      '"01.05.2024 00:00:00";0,044;"Wert ist gültig(L1)"',
      '"01.05.2024 00:15:00";0,039;"Wert ist gültig(L1)"',
    );
    expect(read(fourth, ["1"]).rows).toEqual([
      ["2024-04-30T22:00", 0.044],
      ["2024-04-30T22:15", 0.039],
    ]);
  });

  it("Stromnetz Graz: a title line before the header, and consumption up to the reading time (samples/stromnetz.graz.v2.csv)", () => {
    // Each row's consumption is the difference to the previous row's counter (7902.828 − 7902.695 =
    // 0.133 on the 00:30 row): the time is the end of the quarter hour.
    const text = lines(
      "Lieferrichtung: Bezug;;;;;;;;;",
      "Ablesezeitpunkt;Zaehlerstand Gesamt - 1.8.0;Verbrauch Gesamt - 1.8.0;Status Gesamt - 1.8.0;Zaehlerstand Hochtarif - 1.8.1;Verbrauch Hochtarif - 1.8.1;Status Hochtarif - 1.8.1;Zaehlerstand Niedertarif - 1.8.2;Verbrauch Niedertarif - 1.8.2;Status Niedertarif - 1.8.2",
      "2024-04-01T00:15:00.000+02:00;7902.695;0.155;VAL;;;;;;",
      "2024-04-01T00:30:00.000+02:00;7902.828;0.133;VAL;;;;;;",
    );
    expect(read(text, ["Verbrauch Gesamt - 1.8.0"], { at: "end" }).rows).toEqual([
      ["2024-03-31T22:00", 0.155],
      ["2024-03-31T22:15", 0.133],
    ]);
  });
});
