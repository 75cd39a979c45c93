// Runs the test suite and ends with the line "N passed, N failed" that CI reads.
// Usage: deno task test [deno test arguments, e.g. a file or --filter NAME]

const args = Deno.args.length > 0 ? Deno.args : ["tests/"];
const child = new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", "--no-prompt", ...args],
  env: { NO_COLOR: "1" },
  stdout: "piped",
  stderr: "inherit",
}).spawn();

let tail = "";
const decoder = new TextDecoder();
for await (const chunk of child.stdout) {
  await Deno.stdout.write(chunk);
  tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4096);
}
const { code } = await child.status;

const summaries = [...tail.matchAll(/^(?:ok|FAILED) \| (\d+) passed.*?\| (\d+) failed/gm)];
const last = summaries.at(-1);
console.log(
  last ? `${last[1]} passed, ${last[2]} failed` : "0 passed, 1 failed (no deno test summary)",
);
Deno.exit(code);
