import assert from "node:assert/strict";
import {
  CellValueError,
  parseBoolean,
  parseDate,
  parseInteger,
  parseNumber,
  parseText,
} from "../sync/cell_values.ts";

Deno.test("parseText trims and maps blank to null", () => {
  assert.equal(parseText("  RIO "), "RIO");
  assert.equal(parseText("a b"), "a b");
  assert.equal(parseText(""), null);
  assert.equal(parseText(" \t\n "), null);
});

Deno.test("parseNumber returns canonical decimals", () => {
  const cases: [string, string][] = [
    ["12,345.50", "12345.50"],
    ["-1,000", "-1000"],
    ["1,234,567", "1234567"],
    ["1234567", "1234567"],
    ["0", "0"],
    ["007", "7"],
    ["0.25", "0.25"],
    [".5", "0.5"],
    ["+42", "42"],
    ["-0.00", "0.00"],
    ["  -3.5 ", "-3.5"],
    ["999,999,999,999,999,999.99", "999999999999999999.99"],
  ];
  for (const [text, expected] of cases) {
    assert.equal(parseNumber(text), expected, `parseNumber(${JSON.stringify(text)})`);
  }
});

Deno.test("parseNumber maps blank to null", () => {
  assert.equal(parseNumber(""), null);
  assert.equal(parseNumber("   "), null);
});

Deno.test("parseNumber rejects malformed numbers", () => {
  const invalid = [
    "12,3x",
    "1,2,3.4.5",
    "1e3",
    "1,23",
    "1234,567",
    "12,34,567",
    ",123",
    "12.",
    "-",
    "1.2.3",
    "1 000",
    "NaN",
    "0x10",
  ];
  for (const text of invalid) {
    assert.throws(() => parseNumber(text), CellValueError, `parseNumber(${JSON.stringify(text)})`);
  }
});

Deno.test("parseNumber error quotes the text", () => {
  assert.throws(() => parseNumber("12,3x"), {
    name: "CellValueError",
    message: /^invalid number "12,3x": expected digits with optional thousands separators/,
  });
});

Deno.test("parseInteger parses whole numbers", () => {
  assert.equal(parseInteger("1,234,567"), 1234567);
  assert.equal(parseInteger("-1,000"), -1000);
  assert.equal(parseInteger("42"), 42);
  assert.equal(parseInteger("12.00"), 12);
  assert.equal(parseInteger("-0"), 0);
  assert.ok(Object.is(parseInteger("-0"), 0));
  assert.equal(parseInteger("9,007,199,254,740,991"), Number.MAX_SAFE_INTEGER);
  assert.equal(parseInteger(" "), null);
});

Deno.test("parseInteger rejects fractions and unsafe values", () => {
  assert.throws(() => parseInteger("12.5"), /invalid integer "12.5"/);
  assert.throws(() => parseInteger("12,3x"), /invalid integer "12,3x"/);
  assert.throws(() => parseInteger("9007199254740992"), /beyond the safe range/);
  assert.throws(() => parseInteger("1e3"), CellValueError);
});

Deno.test("parseBoolean accepts every listed form", () => {
  for (const text of ["Y", "y", "YES", "Yes", "TRUE", "true", "+", "1", "-1", " Y "]) {
    assert.equal(parseBoolean(text), true, `parseBoolean(${JSON.stringify(text)})`);
  }
  for (const text of ["N", "n", "NO", "no", "FALSE", "False", "-", "0"]) {
    assert.equal(parseBoolean(text), false, `parseBoolean(${JSON.stringify(text)})`);
  }
  assert.equal(parseBoolean(""), null);
  assert.equal(parseBoolean("  "), null);
});

Deno.test("parseBoolean rejects other words", () => {
  for (const text of ["maybe", "2", "T", "F", "on", "-0"]) {
    assert.throws(
      () => parseBoolean(text),
      CellValueError,
      `parseBoolean(${JSON.stringify(text)})`,
    );
  }
  assert.throws(() => parseBoolean("maybe"), /invalid boolean "maybe": expected Y, YES/);
});

Deno.test("parseDate reads every accepted form in UTC", () => {
  const cases: [string, string][] = [
    ["05-NOV-2025", "2025-11-05T00:00:00.000Z"],
    ["05-Nov-2025 14:30", "2025-11-05T14:30:00.000Z"],
    ["05-nov-2025 14:30:15", "2025-11-05T14:30:15.000Z"],
    ["5-NOV-2025", "2025-11-05T00:00:00.000Z"],
    ["2025-11-05", "2025-11-05T00:00:00.000Z"],
    ["2025-11-05 14:30", "2025-11-05T14:30:00.000Z"],
    ["2025-11-05 14:30:15", "2025-11-05T14:30:15.000Z"],
    ["2025-11-05T14:30:15", "2025-11-05T14:30:15.000Z"],
    ["2025-11-05T14:30:15.123", "2025-11-05T14:30:15.123Z"],
    ["2025-11-05T14:30:15.5Z", "2025-11-05T14:30:15.500Z"],
    ["2025-11-05T14:30:15.123456Z", "2025-11-05T14:30:15.123Z"],
    ["2025-11-05T14:30:15Z", "2025-11-05T14:30:15.000Z"],
    ["2025-11-05T14:30:15+02:00", "2025-11-05T12:30:15.000Z"],
    ["2025-11-05T14:30:15.123-05:30", "2025-11-05T20:00:15.123Z"],
    ["2025-11-05T14:30:15+0200", "2025-11-05T12:30:15.000Z"],
    ["05/11/2025", "2025-11-05T00:00:00.000Z"],
    ["05/11/2025 14:30", "2025-11-05T14:30:00.000Z"],
    ["05/11/2025 14:30:15", "2025-11-05T14:30:15.000Z"],
    ["1762353000000", "2025-11-05T14:30:00.000Z"],
    ["1762353000", "1970-01-21T09:32:33.000Z"],
    [" 2025-11-05 ", "2025-11-05T00:00:00.000Z"],
    ["29-FEB-2024", "2024-02-29T00:00:00.000Z"],
    ["29/02/2000", "2000-02-29T00:00:00.000Z"],
  ];
  for (const [text, expected] of cases) {
    assert.equal(parseDate(text), expected, `parseDate(${JSON.stringify(text)})`);
  }
});

Deno.test("parseDate maps blank to null", () => {
  assert.equal(parseDate(""), null);
  assert.equal(parseDate("   "), null);
  assert.equal(parseDate("", "Europe/Berlin"), null);
});

Deno.test("parseDate rejects impossible dates", () => {
  const invalid = [
    "31-FEB-2025",
    "29-FEB-2025",
    "29-FEB-1900",
    "31-APR-2025",
    "2025-13-01",
    "2025-00-10",
    "2025-02-30",
    "00-JAN-2025",
    "32/01/2025",
    "01/13/2025",
    "05-NOV-2025 24:00",
    "2025-11-05 14:60",
    "2025-11-05T14:30:61Z",
    "2025-11-05T14:30+24:00",
  ];
  for (const text of invalid) {
    assert.throws(() => parseDate(text), CellValueError, `parseDate(${JSON.stringify(text)})`);
  }
  assert.throws(() => parseDate("31-FEB-2025"), /invalid date "31-FEB-2025": February 2025/);
  assert.throws(() => parseDate("2025-13-01"), /invalid date "2025-13-01": month 13/);
});

Deno.test("parseDate rejects unknown formats", () => {
  const invalid = [
    "tomorrow",
    "05-XYZ-2025",
    "2025/11/05",
    "11/5/25",
    "123456789",
    "12345678901234",
    "2025-11-05Z",
    "05-NOV-25",
  ];
  for (const text of invalid) {
    assert.throws(() => parseDate(text), CellValueError, `parseDate(${JSON.stringify(text)})`);
  }
  assert.throws(() => parseDate("05-XYZ-2025"), /unknown month "XYZ"/);
});

Deno.test("parseDate rejects unknown time zones", () => {
  assert.throws(() => parseDate("2025-11-05", "Mars/Base"), {
    name: "RangeError",
    message: /invalid time zone "Mars\/Base"/,
  });
});

Deno.test("parseDate applies the zone around midnight", () => {
  assert.equal(parseDate("05-NOV-2025", "Europe/Berlin"), "2025-11-04T23:00:00.000Z");
  assert.equal(parseDate("05-NOV-2025 23:59:59", "America/New_York"), "2025-11-06T04:59:59.000Z");
  assert.equal(parseDate("05/11/2025 00:30", "Asia/Tokyo"), "2025-11-04T15:30:00.000Z");
  assert.equal(parseDate("2025-11-05T00:00:00Z", "Europe/Berlin"), "2025-11-05T00:00:00.000Z");
});

Deno.test("parseDate crosses a year boundary", () => {
  assert.equal(parseDate("01-JAN-2026", "Europe/Berlin"), "2025-12-31T23:00:00.000Z");
  assert.equal(parseDate("31-DEC-2025 22:00", "America/New_York"), "2026-01-01T03:00:00.000Z");
  assert.equal(parseDate("2025-12-31T23:59:59.999"), "2025-12-31T23:59:59.999Z");
  assert.equal(parseDate("2026-01-01T00:30:00+01:00"), "2025-12-31T23:30:00.000Z");
});

Deno.test("parseDate handles Berlin summer time", () => {
  // Clocks go from 02:00 CET to 03:00 CEST on 2025-03-30.
  assert.equal(parseDate("2025-03-30 01:59", "Europe/Berlin"), "2025-03-30T00:59:00.000Z");
  assert.equal(parseDate("2025-03-30 03:00", "Europe/Berlin"), "2025-03-30T01:00:00.000Z");
  assert.equal(parseDate("2025-03-30 12:00", "Europe/Berlin"), "2025-03-30T10:00:00.000Z");
  assert.equal(parseDate("29-MAR-2025 12:00", "Europe/Berlin"), "2025-03-29T11:00:00.000Z");
});

Deno.test("parseDate moves gap times forward", () => {
  // 02:30 does not exist in Berlin on 2025-03-30, and becomes 03:30 CEST.
  assert.equal(parseDate("2025-03-30 02:30", "Europe/Berlin"), "2025-03-30T01:30:00.000Z");
  // 02:30 does not exist in New York on 2025-03-09, and becomes 03:30 EDT.
  assert.equal(parseDate("09-MAR-2025 02:30", "America/New_York"), "2025-03-09T07:30:00.000Z");
});

Deno.test("parseDate takes earlier instant in overlap", () => {
  // 02:30 occurs twice in Berlin on 2025-10-26: first in CEST (00:30Z), then in CET (01:30Z).
  assert.equal(parseDate("2025-10-26 02:30", "Europe/Berlin"), "2025-10-26T00:30:00.000Z");
  assert.equal(parseDate("2025-10-26 03:00", "Europe/Berlin"), "2025-10-26T02:00:00.000Z");
  // 01:30 occurs twice in New York on 2025-11-02: first in EDT (05:30Z), then in EST (06:30Z).
  assert.equal(parseDate("02-NOV-2025 01:30", "America/New_York"), "2025-11-02T05:30:00.000Z");
  assert.equal(parseDate("02-NOV-2025 00:59", "America/New_York"), "2025-11-02T04:59:00.000Z");
  assert.equal(parseDate("02-NOV-2025 02:00", "America/New_York"), "2025-11-02T07:00:00.000Z");
});

Deno.test("parseDate keeps explicit offsets in any zone", () => {
  assert.equal(
    parseDate("2025-03-30T02:30:00+01:00", "Europe/Berlin"),
    "2025-03-30T01:30:00.000Z",
  );
  assert.equal(parseDate("1762353000000", "America/New_York"), "2025-11-05T14:30:00.000Z");
});
