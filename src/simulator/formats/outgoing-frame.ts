/**
 * One frame as it leaves the virtual meter, with where its checksum sits so fault injection can corrupt
 * exactly the checksum (HDLC FCS before the closing flag, IEC 62056-21 BCC as the last byte).
 */
export interface OutgoingFrame {
  readonly bytes: Uint8Array;
  /** Byte range of the frame's check sequence; length 0 for a message without one (the identification). */
  readonly checksum: { readonly offset: number; readonly length: number };
  /** 8 for HDLC; 7 for IEC 62056-21, whose 7E1 characters have no bit 7 to corrupt (a flip there is a parity error). */
  readonly dataBits: 7 | 8;
}

export function hdlcOutgoing(bytes: Uint8Array): OutgoingFrame {
  return { bytes, checksum: { offset: bytes.length - 3, length: 2 }, dataBits: 8 };
}

export function readoutOutgoing(bytes: Uint8Array): OutgoingFrame {
  return { bytes, checksum: { offset: bytes.length - 1, length: 1 }, dataBits: 7 };
}

/** An IEC 62056-21 message without a check character (the identification line). */
export function uncheckedOutgoing(bytes: Uint8Array): OutgoingFrame {
  return { bytes, checksum: { offset: bytes.length, length: 0 }, dataBits: 7 };
}
