/**
 * Child processes of the benchmark: the PEMS simulator and the pems-sync service, each started
 * with `deno run -A`, with their log lines read and their memory read from /proc.
 *
 * @module
 */

/** A child process whose log lines are read as they come. */
export interface ChildProcess {
  readonly pid: number;
  /** Resolves with the first log line for which `match` returns a value. */
  waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T>;
  /** The last log lines, for error messages. */
  tail(): string[];
  /** Sends SIGTERM, then SIGKILL after `graceMs`, and waits for the exit. */
  stop(graceMs?: number): Promise<void>;
}

interface LineWaiter {
  match: (line: string) => unknown;
  resolve: (value: unknown) => void;
}

const tailLines = 40;

/**
 * Starts `deno run -A [flags] <script>` in `cwd` with `env` added to this process's environment.
 */
export function startDenoScript(
  name: string,
  script: string,
  cwd: string,
  env: Record<string, string>,
  flags: string[] = [],
  logPath: string | null = null,
): ChildProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...flags, script],
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  const lines: string[] = [];
  let waiters: LineWaiter[] = [];
  let exited = false;
  const log = logPath
    ? Deno.openSync(logPath, { create: true, write: true, truncate: true })
    : null;
  const encoder = new TextEncoder();
  const onLine = (line: string) => {
    log?.writeSync(encoder.encode(line + "\n"));
    lines.push(line);
    if (lines.length > tailLines) lines.shift();
    waiters = waiters.filter((waiter) => {
      const value = waiter.match(line);
      if (value === undefined) return true;
      waiter.resolve(value);
      return false;
    });
  };
  // Both pipes are read all the time, so that a child that logs a lot does not stall on a full pipe.
  const reading = Promise.all([readLines(child.stdout, onLine), readLines(child.stderr, onLine)]);
  const status = child.status.then(async (result) => {
    await reading;
    log?.close();
    exited = true;
    return result;
  });

  return {
    pid: child.pid,
    tail: () => [...lines],
    waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T> {
      for (const line of lines) {
        const value = match(line);
        if (value !== undefined) return Promise.resolve(value);
      }
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `${name} logged no expected line within ${timeoutMs} ms:\n` +
                lines.join("\n"),
            ),
          );
        }, timeoutMs);
        status.then((result) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited with code ${result.code}:\n${lines.join("\n")}`));
        });
        waiters.push({
          match,
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value as T);
          },
        });
      });
    },
    async stop(graceMs = 5_000) {
      if (!exited) {
        try {
          child.kill("SIGTERM");
        } catch {
          // It exited between the check and the signal.
        }
        const timer = setTimeout(() => {
          if (!exited) child.kill("SIGKILL");
        }, graceMs);
        await status;
        clearTimeout(timer);
      }
      await reading;
    },
  };
}

async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
    }
  }
  if (buffered !== "") onLine(buffered);
}

/** Parses a JSON log line and returns it when its message is `message`. */
export function jsonLine(line: string, message: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const entry = JSON.parse(line);
    return entry.msg === message || entry.message === message ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** Memory of a process from /proc/<pid>/status, in bytes. */
export interface ProcessMemory {
  /** VmRSS: the resident set now. */
  rss: number;
  /** VmHWM: the peak resident set since the start or since the last {@link resetPeakRss}. */
  peakRss: number;
}

/** Reads VmRSS and VmHWM of a process (Linux only). */
export async function readMemory(pid: number): Promise<ProcessMemory> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kilobytes = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${field} line`);
    return Number(match[1]) * 1024;
  };
  return { rss: kilobytes("VmRSS"), peakRss: kilobytes("VmHWM") };
}

/**
 * Resets the peak resident set (VmHWM) of a process to its current size by writing 5 to
 * /proc/<pid>/clear_refs (Linux 4.0 and later). Returns false when the kernel refused, and then
 * VmHWM keeps the peak since the process started.
 */
export async function resetPeakRss(pid: number): Promise<boolean> {
  try {
    await Deno.writeTextFile(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

// NOTE: Linux reports CPU times in clock ticks of 1/100 s on x86_64 and arm64 (USER_HZ).
const ticksPerSecond = 100;

/** Returns the user plus system CPU time of a process in seconds, or 0 when it has exited. */
export async function readCpuSeconds(pid: number): Promise<number> {
  let stat: string;
  try {
    stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  } catch {
    return 0;
  }
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
