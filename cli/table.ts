/** Formats rows as a plain-text table with a header line, columns padded to their widest cell. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length))
  );
  const line = (cells: string[]) =>
    cells.map((cell, i) => i === cells.length - 1 ? cell : cell.padEnd(widths[i])).join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n") + "\n";
}

/** Formats an instant as `2026-01-31 14:05:09Z`, or `-` for none. */
export function formatInstant(value: Date | string | null): string {
  if (value === null) return "-";
  return new Date(value).toISOString().slice(0, 19).replace("T", " ") + "Z";
}

/** Formats a count with thousands separators, or `-` for none. */
export function formatCount(value: number | null): string {
  return value === null ? "-" : value.toLocaleString("en-US");
}
