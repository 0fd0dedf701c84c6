/**
 * An `e450 run` process as a service manager runs it: its output collected (the journal), SIGTERM to
 * its main process on stop, and how long it took to exit with which code.
 */
import { type ChildProcess, spawn } from "node:child_process";

interface Stopped {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly ms: number;
}

export class ServiceProcess {
  private text = "";
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    /** The process a stop signals: the child itself, or what a wrapper runs. */
    private readonly mainPid: () => number,
  ) {
    child.stdout?.on("data", (chunk: Buffer) => {
      this.text += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      this.text += chunk.toString();
    });
    this.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  }

  static start(argv: readonly string[], mainPid?: (wrapperPid: number) => number): ServiceProcess {
    const [command, ...args] = argv;
    if (command === undefined) throw new Error("an empty command line");
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${command} could not be started`);
    return new ServiceProcess(child, () => (mainPid ? mainPid(pid) : pid));
  }

  get output(): string {
    return this.text;
  }

  /** Lines of the output that contain `text`. */
  lines(text: string): string[] {
    return this.text.split("\n").filter((line) => line.includes(text));
  }

  /** SIGTERM to the main process, as `systemctl stop` sends it; resolves once the process has exited. */
  async stop(): Promise<Stopped> {
    const started = Date.now();
    process.kill(this.mainPid(), "SIGTERM");
    const { code, signal } = await this.exited;
    return { code, signal, ms: Date.now() - started };
  }

  /** For clean-up after a failed test. */
  kill(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    // A wrapper's death does not take its command along: bwrap's parent-death signal is cleared when
    // setpriv switches the user (prctl(2), PR_SET_PDEATHSIG), so the main process is killed first.
    try {
      const pid = this.mainPid();
      if (pid !== this.child.pid) process.kill(pid, "SIGKILL");
    } catch {
      // It has no main process (yet, or any more): the wrapper alone is left.
    }
    this.child.kill("SIGKILL");
  }
}
