/**
 * TCP client for serial bridges (ser2net, Ethernet/Wi-Fi M-Bus gateways). Keep-alive finds a dead
 * peer; the idle timeout finds a bridge that is up but no longer forwards the meter (a pushing meter
 * sends every 1–10 s, so a minute of silence means the link is broken).
 */
import { connect, type Socket } from "node:net";
import type { BackoffOptions } from "../util/backoff.js";
import { type Connection, type ConnectionHandlers, ReconnectingTransport } from "./reconnecting.js";

export interface TcpOptions {
  readonly host: string;
  readonly port: number;
  readonly idleTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
}

export class TcpTransport extends ReconnectingTransport {
  readonly description: string;

  constructor(private readonly options: TcpOptions) {
    super(options.backoff);
    this.description = `tcp://${options.host}:${options.port}`;
  }

  protected open(handlers: ConnectionHandlers): Promise<Connection> {
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      const socket: Socket = connect({ host, port });
      let connected = false;
      const connectTimer = setTimeout(() => {
        socket.destroy();
        reject(
          new Error(
            `no connection to ${this.description} within ${(this.options.connectTimeoutMs ?? 10_000) / 1000} s`,
          ),
        );
      }, this.options.connectTimeoutMs ?? 10_000);
      socket.once("connect", () => {
        clearTimeout(connectTimer);
        connected = true;
        socket.setKeepAlive(true, 10_000);
        socket.setNoDelay(true);
        socket.setTimeout(this.options.idleTimeoutMs ?? 60_000);
        resolve({
          write: (bytes) =>
            new Promise((done, fail) => socket.write(bytes, (error) => (error ? fail(error) : done()))),
          close: () =>
            new Promise((done) => {
              socket.removeAllListeners("close");
              socket.once("close", () => done());
              socket.destroy();
            }),
        });
      });
      socket.on("data", (chunk) => {
        handlers.onData(new Uint8Array(chunk));
        // One chunk per turn of the event loop: libuv reads a busy socket up to 32 times in a row,
        // so a line flooding garbage would hold the other meters' pushes back by ~2 MB of decoding
        // (tests/integration/service/several-meters-flood.test.ts measures it).
        socket.pause();
        setImmediate(() => {
          if (!socket.destroyed) socket.resume();
        });
      });
      socket.on("timeout", () =>
        socket.destroy(
          new Error(
            `no data from ${this.description} for ${(this.options.idleTimeoutMs ?? 60_000) / 1000} s`,
          ),
        ),
      );
      socket.on("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(connectTimer);
        const reason = error.code
          ? `${this.description}: ${error.code}`
          : `${this.description}: ${error.message}`;
        if (connected) handlers.onClose(reason);
        else reject(new Error(reason));
      });
      socket.on("close", () => connected && handlers.onClose(`${this.description} closed the connection`));
    });
  }
}
