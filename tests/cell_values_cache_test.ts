import assert from "node:assert/strict";
import { CellValueError, parseDate } from "../sync/cell_values.ts";

Deno.test("date cache: repeated dates give equal instants", () => {
  const first = parseDate("05-NOV-2025", "UTC");
  assert.equal(first, "2025-11-05T00:00:00.000Z");
  assert.equal(parseDate(" 05-NOV-2025 ", "UTC"), first);
  assert.equal(parseDate("05-NOV-2025", "UTC"), first);
});

Deno.test("date cache: keeps time zones apart", () => {
  assert.equal(parseDate("05-NOV-2025", "UTC"), "2025-11-05T00:00:00.000Z");
  assert.equal(parseDate("05-NOV-2025", "America/Chicago"), "2025-11-05T06:00:00.000Z");
  assert.equal(parseDate("05-NOV-2025", "Europe/Berlin"), "2025-11-04T23:00:00.000Z");
  assert.equal(parseDate("05-NOV-2025", "UTC"), "2025-11-05T00:00:00.000Z");
});

Deno.test("date cache: invalid dates fail every time", () => {
  for (let attempt = 0; attempt < 2; attempt++) {
    assert.throws(() => parseDate("31-FEB-2025", "UTC"), CellValueError);
  }
  assert.throws(() => parseDate("05-NOV-2025", "Mars/Olympus"), RangeError);
});

Deno.test("date cache: survives more dates than it holds", () => {
  const start = Date.UTC(2000, 0, 1);
  for (let day = 0; day < 12_000; day++) {
    const date = new Date(start + day * 86_400_000);
    const text = date.toISOString().slice(0, 10);
    assert.equal(parseDate(text, "UTC"), date.toISOString());
  }
  assert.equal(parseDate("2000-01-01", "UTC"), "2000-01-01T00:00:00.000Z");
});
