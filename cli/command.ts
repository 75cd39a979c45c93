/**
 * The frame of every CLI task: option parsing, `--help`, error messages and exit codes
 * (0 success, 1 error, 2 invalid usage).
 *
 * @module
 */

import { ConfigError } from "../lib/config.ts";

/** An invalid command line; exit code 2. The message names the option and what to pass. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A failure the user can fix, reported without a stack trace; exit code 1. */
export class CliError extends Error {
  override name = "CliError";
}

/** One `--name` option of a task. */
export interface OptionSpec {
  name: string;
  /** A string option takes a value; a boolean option is a switch. */
  type: "string" | "boolean";
  /** Help text: what the option sets, shown by `--help`. */
  description: string;
  /** Placeholder of the value in `--help`, such as ID or CODE. */
  valueName?: string;
}

/** Option values by name: strings for string options, true for switches that were given. */
export type OptionValues = Record<string, string | boolean | undefined>;

/** Environment, streams and terminal of a task, passed in so that tests can run it in-process. */
export interface CliIo {
  env: Record<string, string | undefined>;
  stdout(text: string): void;
  stderr(text: string): void;
  stdinIsTerminal: boolean;
  stdoutIsTerminal: boolean;
  /** Shows `question` and reads one line; null when input ended. */
  readLine(question: string): Promise<string | null>;
  fetch: typeof fetch;
}

/** A CLI task. */
export interface Command {
  /** The deno task name, such as feeds:check. */
  name: string;
  /** Usage line after `deno task <name>`. */
  usage: string;
  /** One paragraph on what the task does. */
  description: string;
  options: OptionSpec[];
  run(options: OptionValues, io: CliIo): Promise<number>;
}

/** Parses `--name value`, `--name=value` and `--switch`; `-h` and `--help` set `help`. */
export function parseOptions(specs: OptionSpec[], args: string[]): OptionValues {
  const values: OptionValues = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-h" || arg === "--help") {
      values.help = true;
      continue;
    }
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(arg);
    if (!match) throw new UsageError(`unexpected argument "${arg}": options start with --`);
    const [, name, inline] = match;
    const spec = specs.find((option) => option.name === name);
    if (!spec) throw new UsageError(`unknown option --${name}`);
    if (values[name] !== undefined) throw new UsageError(`option --${name} is given twice`);
    if (spec.type === "boolean") {
      if (inline !== undefined) {
        throw new UsageError(`option --${name} takes no value, but got "${inline}"`);
      }
      values[name] = true;
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || (inline === undefined && value.startsWith("--"))) {
      throw new UsageError(
        `option --${name} needs a value: --${name} ${spec.valueName ?? "VALUE"}`,
      );
    }
    values[name] = value;
  }
  return values;
}

function wrap(text: string, width = 80): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  return [...lines, line].join("\n");
}

/** Renders the `--help` text of a task. */
export function helpText(command: Command): string {
  const rows = [
    ...command.options.map((option) => [
      `--${option.name}${option.type === "string" ? ` ${option.valueName ?? "VALUE"}` : ""}`,
      option.description,
    ]),
    ["-h, --help", "show this help"],
  ];
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `Usage: deno task ${command.name} ${command.usage}`,
    "",
    wrap(command.description),
    "",
    "Options:",
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
    "",
    "Exit codes: 0 success, 1 error, 2 invalid usage.",
    "",
  ].join("\n");
}

/** Runs a task with `args` and returns its exit code; errors are printed, not thrown. */
export async function runCommand(command: Command, args: string[], io: CliIo): Promise<number> {
  const usageFailure = (error: UsageError) => {
    io.stderr(
      `${command.name}: ${error.message}\n` +
        `Run "deno task ${command.name} --help" to see the options.\n`,
    );
    return 2;
  };
  let options: OptionValues;
  try {
    options = parseOptions(command.options, args);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(error);
    throw error;
  }
  if (options.help) {
    io.stdout(helpText(command));
    return 0;
  }
  try {
    return await command.run(options, io);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(error);
    if (error instanceof CliError || error instanceof ConfigError) {
      io.stderr(`${command.name}: ${error.message}\n`);
      return 1;
    }
    io.stderr(`${command.name}: unexpected error: ${(error as Error).message ?? error}\n`);
    return 1;
  }
}

const encoder = new TextEncoder();

function writeAll(file: { writeSync(data: Uint8Array): number }, text: string): void {
  const data = encoder.encode(text);
  let written = 0;
  while (written < data.length) written += file.writeSync(data.subarray(written));
}

/** Returns the environment, streams and terminal of this process. */
export function processIo(): CliIo {
  return {
    env: Deno.env.toObject(),
    stdout: (text) => writeAll(Deno.stdout, text),
    stderr: (text) => writeAll(Deno.stderr, text),
    stdinIsTerminal: Deno.stdin.isTerminal(),
    stdoutIsTerminal: Deno.stdout.isTerminal(),
    readLine: (question) => Promise.resolve(prompt(question)),
    fetch: globalThis.fetch,
  };
}

/** Runs a task as the main module and exits with its code. */
export async function main(command: Command): Promise<never> {
  Deno.exit(await runCommand(command, Deno.args, processIo()));
}

/** Returns a string option, or undefined when it was not given. */
export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === "string" ? value : undefined;
}

/** Returns a string option, or throws a UsageError naming it when it was not given. */
export function requiredOption(options: OptionValues, name: string, valueName: string): string {
  const value = stringOption(options, name);
  if (value === undefined) throw new UsageError(`missing --${name} ${valueName}`);
  return value;
}

/** Parses a positive integer option, such as a configuration id. */
export function parseId(name: string, value: string): number {
  if (!/^[1-9]\d{0,15}$/.test(value)) {
    throw new UsageError(`invalid --${name} "${value}": expected a positive integer such as 3`);
  }
  return Number(value);
}

/** Parses an EAM organization code and returns it in upper case. */
export function parseOrganization(name: string, value: string): string {
  if (!/^[A-Za-z0-9_*-]{1,30}$/.test(value)) {
    throw new UsageError(
      `invalid --${name} "${value}": expected an EAM organization code such as RIO`,
    );
  }
  return value.toUpperCase();
}

/** Parses an option that takes one of `allowed`. */
export function parseChoice<T extends string>(
  name: string,
  value: string,
  allowed: readonly T[],
): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`invalid --${name} "${value}": expected one of ${allowed.join(", ")}`);
  }
  return value as T;
}
