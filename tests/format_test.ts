import assert from "node:assert/strict";
import {
  emptyValue,
  formatCount,
  formatDate,
  formatDateTime,
  formatDuration,
  formatTimeLeft,
  isoTime,
  urlHost,
} from "../views/format.ts";

Deno.test("formatCount: separators, zero and missing values", () => {
  assert.equal(formatCount(1_234_567), "1,234,567");
  assert.equal(formatCount(12_345), "12,345");
  assert.equal(formatCount(999), "999");
  assert.equal(formatCount(1000), "1,000");
  assert.equal(formatCount(0), "0");
  assert.equal(formatCount(null), emptyValue);
  assert.equal(formatCount(undefined), emptyValue);
  assert.equal(formatCount(Number.NaN), emptyValue);
  assert.equal(emptyValue, "—");
});

Deno.test("formatDate: MMM DD, YYYY in UTC", () => {
  assert.equal(formatDate(new Date("2025-11-25T14:03:00Z")), "Nov 25, 2025");
  assert.equal(formatDate("2025-03-05T00:00:00Z"), "Mar 05, 2025");
  assert.equal(formatDate(null), emptyValue);
  assert.equal(formatDate(undefined), emptyValue);
  assert.equal(formatDate("not a date"), emptyValue);
});

Deno.test("formatDate: midnight UTC and year boundary", () => {
  assert.equal(formatDate("2025-11-25T23:59:59Z"), "Nov 25, 2025");
  assert.equal(formatDate("2025-11-26T00:00:00Z"), "Nov 26, 2025");
  assert.equal(formatDate("2025-12-31T23:59:00Z"), "Dec 31, 2025");
  assert.equal(formatDate("2026-01-01T00:00:00Z"), "Jan 01, 2026");
  // In Chicago (UTC-6 in winter) the first minutes of the year in UTC are still Dec 31.
  assert.equal(formatDate("2026-01-01T00:30:00Z", "America/Chicago"), "Dec 31, 2025");
  assert.equal(formatDate("2025-12-31T20:00:00Z", "Asia/Tokyo"), "Jan 01, 2026");
});

Deno.test("formatDateTime: 24-hour MMM DD, YYYY HH:MM", () => {
  assert.equal(formatDateTime("2025-11-25T14:03:00Z"), "Nov 25, 2025 14:03");
  assert.equal(formatDateTime("2025-11-25T09:07:59Z"), "Nov 25, 2025 09:07");
  assert.equal(formatDateTime(null), emptyValue);
  assert.equal(formatDateTime("garbage"), emptyValue);
});

Deno.test("formatDateTime: midnight is 00:00, not 24:00", () => {
  assert.equal(formatDateTime("2025-11-26T00:00:00Z"), "Nov 26, 2025 00:00");
  assert.equal(formatDateTime("2025-11-25T23:59:00Z"), "Nov 25, 2025 23:59");
  assert.equal(formatDateTime("2025-11-26T00:05:00Z", "UTC"), "Nov 26, 2025 00:05");
});

Deno.test("formatDateTime: other time zones and year boundary", () => {
  assert.equal(formatDateTime("2025-12-31T23:30:00Z"), "Dec 31, 2025 23:30");
  assert.equal(formatDateTime("2026-01-01T00:30:00Z", "America/Chicago"), "Dec 31, 2025 18:30");
  assert.equal(formatDateTime("2025-12-31T15:00:00Z", "Asia/Tokyo"), "Jan 01, 2026 00:00");
  assert.equal(formatDateTime("2025-06-15T12:00:00Z", "Asia/Kolkata"), "Jun 15, 2025 17:30");
});

Deno.test("isoTime: ISO text or undefined", () => {
  assert.equal(isoTime(new Date("2025-11-25T14:03:00Z")), "2025-11-25T14:03:00.000Z");
  assert.equal(isoTime("2025-11-25T14:03:00+01:00"), "2025-11-25T13:03:00.000Z");
  assert.equal(isoTime(null), undefined);
  assert.equal(isoTime("nope"), undefined);
});

Deno.test("formatDuration: minutes, hours and missing values", () => {
  assert.equal(formatDuration(0), "0:00");
  assert.equal(formatDuration(499), "0:00");
  assert.equal(formatDuration(42_000), "0:42");
  assert.equal(formatDuration(65_000), "1:05");
  assert.equal(formatDuration(3_599_000), "59:59");
  assert.equal(formatDuration(3_723_000), "1:02:03");
  assert.equal(formatDuration(-5_000), "0:00");
  assert.equal(formatDuration(null), emptyValue);
});

Deno.test("formatTimeLeft: estimate from average rate", () => {
  // 1,500 of 6,000 rows in 10 s: 4,500 rows left at 150 rows/s take 30 s.
  assert.equal(formatTimeLeft(1500, 6000, 10_000), "0:30");
  // A partial second rounds up, so the estimate never shows 0:00 before the end.
  assert.equal(formatTimeLeft(5999, 6000, 10_000), "0:01");
  assert.equal(formatTimeLeft(6000, 6000, 10_000), "0:00");
  assert.equal(formatTimeLeft(0, 6000, 10_000), emptyValue);
  assert.equal(formatTimeLeft(100, null, 10_000), emptyValue);
  assert.equal(formatTimeLeft(100, 6000, null), emptyValue);
  assert.equal(formatTimeLeft(100, 6000, 0), emptyValue);
});

Deno.test("urlHost: host with port, or the text itself", () => {
  assert.equal(urlHost("https://eam.example.com/axis/restservices/griddata"), "eam.example.com");
  assert.equal(urlHost("http://127.0.0.1:8000/pems-sim"), "127.0.0.1:8000");
  assert.equal(urlHost("not a url"), "not a url");
});
