/**
 * Local serial port via serialport. The port can vanish (USB adapter pulled) and come back under the
 * same path; the reconnect loop reopens it.
 */
import { SerialPort } from "serialport";
import type { BackoffOptions } from "../util/backoff.js";
import { type Connection, type ConnectionHandlers, ReconnectingTransport } from "./reconnecting.js";
import type { SerialFormat } from "./transport.js";

export interface SerialOptions {
  readonly path: string;
  readonly format: SerialFormat;
  readonly backoff?: BackoffOptions;
}

export class SerialTransport extends ReconnectingTransport {
  readonly description: string;
  private port: SerialPort | null = null;
  private format: SerialFormat;

  constructor(private readonly options: SerialOptions) {
    super(options.backoff);
    this.format = options.format;
    this.description = `serial ${options.path}`;
  }

  override async setFormat(format: SerialFormat): Promise<void> {
    this.format = format;
    const port = this.port;
    if (!port?.isOpen) return;
    // serialport can change only the baud rate of an open port; a new frame format needs a reopen.
    await new Promise<void>((resolve, reject) =>
      port.update({ baudRate: format.baudRate }, (error) => (error ? reject(error) : resolve())),
    );
  }

  protected open(handlers: ConnectionHandlers): Promise<Connection> {
    const { baudRate, dataBits, parity, stopBits } = this.format;
    return new Promise((resolve, reject) => {
      const port = new SerialPort({
        path: this.options.path,
        baudRate,
        dataBits,
        parity,
        stopBits,
        autoOpen: false,
      });
      port.open((error) => {
        if (error) {
          reject(new Error(`${this.description}: ${error.message}`));
          return;
        }
        this.port = port;
        port.on("data", (chunk: Buffer) => handlers.onData(new Uint8Array(chunk)));
        port.on("error", (portError) => handlers.onClose(`${this.description}: ${portError.message}`));
        port.on("close", () => handlers.onClose(`${this.description} closed (cable or adapter removed?)`));
        resolve({
          write: (bytes) =>
            new Promise((done, fail) =>
              port.write(Buffer.from(bytes), (writeError) =>
                writeError ? fail(writeError) : port.drain(() => done()),
              ),
            ),
          close: () =>
            new Promise((done) => {
              port.removeAllListeners("close");
              if (!port.isOpen) return done();
              port.close(() => done());
            }),
        });
      });
    });
  }
}
