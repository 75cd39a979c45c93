import assert from "node:assert/strict";
import { scanRowArray } from "../sync/grid_rows.ts";
import { decodePage, type GridField, readResultData } from "../sync/grid_response.ts";

const fields: GridField[] = [
  { aliasnum: 1, name: "pfs_id", label: "PFA ID", type: "VARCHAR" },
  { aliasnum: 2, name: "pfs_a_org", label: "Organization", type: "VARCHAR" },
  { aliasnum: 5, name: "pfs_desc", label: "Description", type: "VARCHAR" },
];

const trickyValues = [
  'crane "XL" 50t',
  "C:\\sites\\rio",
  "line one\nline two\ttab",
  "Zürich ☃ \u2028 end",
  "{braces, commas}",
  "",
];

function response(rows: unknown[], indent?: number): string {
  const body = {
    Result: {
      ResultData: {
        GRID: {
          METADATA: { RECORDS: String(rows.length), MORERECORDPRESENT: "-" },
          DATA: { ROW: rows },
          "TOTAL-COUNT": String(rows.length),
        },
      },
      WarningAlert: [],
    },
    ErrorAlert: [],
  };
  return JSON.stringify(body, null, indent);
}

function sampleRows() {
  return trickyValues.map((description, index) => ({
    id: index + 1,
    D: [
      { n: 1, value: String(1_000_000 + index) },
      { n: 5, value: description },
      ...(index % 2 === 0 ? [{ n: 2, value: "RIO" }] : []),
    ],
  }));
}

function decode(text: string) {
  return decodePage(readResultData(200, text, undefined), fields, 1, 100);
}

Deno.test("grid rows: scanner reads compact rows by aliasnum", () => {
  const text = `x[${JSON.stringify(sampleRows()).slice(1)}y`;
  const scanned = scanRowArray(text, 1);
  assert.ok(scanned, "compact rows were not scanned");
  assert.deepEqual(scanned.ids, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(scanned.aliasnums, [1, 2, 5]);
  assert.deepEqual(scanned.values.map((values) => values[5]), trickyValues);
  assert.equal(scanned.values[1][2], undefined);
  assert.equal(text[scanned.end], "y");
});

Deno.test("grid rows: scanner leaves other forms to JSON.parse", () => {
  const cases: Record<string, string> = {
    "white space": '[{"id": 1,"D":[]}]',
    "value before n": '[{"id":1,"D":[{"value":"a","n":1}]}]',
    "number value": '[{"id":1,"D":[{"n":1,"value":5}]}]',
    "null value": '[{"id":1,"D":[{"n":1,"value":null}]}]',
    "string id": '[{"id":"1","D":[]}]',
    "truncated": '[{"id":1,"D":[{"n":1,"value":"a',
    "bad escape": '[{"id":1,"D":[{"n":1,"value":"a\\x"}]}]',
  };
  for (const [name, text] of Object.entries(cases)) {
    assert.equal(scanRowArray(text, 0), undefined, name);
  }
  assert.deepEqual(scanRowArray("[]", 0)?.ids, []);
});

Deno.test("grid rows: scanned and parsed pages decode alike", () => {
  const compact = decode(response(sampleRows()));
  const indented = decode(response(sampleRows(), 1));
  assert.deepEqual(compact, indented);
  assert.deepEqual(compact.rows.map((row) => row.cells.pfs_desc), trickyValues);
  assert.deepEqual(compact.rows[1].cells, {
    pfs_id: "1000001",
    pfs_a_org: "",
    pfs_desc: trickyValues[1],
  });
});

Deno.test("grid rows: unknown aliasnum names its row on both paths", () => {
  const rows = [{ id: 1, D: [{ n: 1, value: "a" }] }, { id: 2, D: [{ n: 9, value: "b" }] }];
  for (const indent of [undefined, 1]) {
    assert.throws(
      () => decode(response(rows, indent)),
      /n=9 in row 1, but no field has that aliasnum/,
      `indent ${indent}`,
    );
  }
});

Deno.test("grid rows: row key in another object is not taken", () => {
  const decoy = '"Before":{"DATA":{"ROW":[{"id":99,"D":[{"n":1,"value":"decoy"}]}]}},';
  const real = response(sampleRows().slice(0, 1));
  const text = real.replace('{"Result":{', `{"Result":{${decoy}`);
  assert.ok(text.indexOf('"decoy"') < text.indexOf('"1000000"'), "decoy is not first");
  const page = decode(text);
  assert.deepEqual(page.rows.map((row) => row.cells.pfs_id), ["1000000"]);
});
