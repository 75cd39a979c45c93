/**
 * Describes the machine and software a benchmark ran on.
 *
 * @module
 */

import type postgres from "postgres";
import type { MachineInfo } from "./report.ts";

/** Collects CPU, memory, OS, Deno, Postgres and git facts for the result record. */
export async function describeMachine(sql: postgres.Sql, repoDir: string): Promise<MachineInfo> {
  const [{ version }] = await sql.unsafe("select version() as version");
  return {
    cpuModel: await cpuModel(),
    cpus: navigator.hardwareConcurrency,
    memoryBytes: Deno.systemMemoryInfo().total,
    os: `${Deno.build.os} ${Deno.osRelease()} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    postgres: String(version).split(" on ")[0],
    gitCommit: await git(repoDir, ["rev-parse", "HEAD"]),
    gitDirty: await git(repoDir, ["status", "--porcelain", "--", ".", ":!bench/results.jsonl"])
      .then((text) => text === null ? null : text !== ""),
  };
}

async function cpuModel(): Promise<string> {
  try {
    const cpuinfo = await Deno.readTextFile("/proc/cpuinfo");
    return /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? "unknown";
  } catch {
    return "unknown";
  }
}

async function git(cwd: string, args: string[]): Promise<string | null> {
  try {
    const output = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "null" })
      .output();
    return output.success ? new TextDecoder().decode(output.stdout).trim() : null;
  } catch {
    return null;
  }
}
