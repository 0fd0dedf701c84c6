/** The line settings of a serial link; a reader may ask for a change (IEC 62056-21 baud change-over). */
export interface SerialFormat {
  readonly baudRate: number;
  readonly dataBits: 7 | 8;
  readonly parity: "none" | "even" | "odd";
  readonly stopBits: 1 | 2;
}
