/**
 * Validation of grid data requests, responses and headers against the vendor's OpenAPI 3.0.1
 * document for `POST /griddata` (HxGN EAM "Grid Data Webservice", `griddata.openapi.json`).
 *
 * The document is read on first use from `shared/reference/hxgn-eam/` next to the repository,
 * or from the folder named by the environment variable `PEMS_OPENAPI_DIR`.
 *
 * @module
 */

import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

/** Options of the body validators. */
export interface ValidateOptions {
  /**
   * Reject properties that the spec does not declare. The vendor schemas allow any extra
   * property, so this catches misspelled keys that the plain spec check lets through.
   */
  rejectUnknownProperties?: boolean;
}

const SPEC_FILE_NAME = "griddata.openapi.json";
// A verbatim copy of the vendor's OpenAPI 3 document, as published in the public repository
// eutimioliusbel/PFA2.2 (pems_apis_examples/GridData.json).
const DEFAULT_SPEC_URL = new URL(`./fixtures/${SPEC_FILE_NAME}`, import.meta.url);
const REQUEST_SCHEMA = "#/components/schemas/GridData";
const RESPONSE_SCHEMA = "#/components/schemas/AddResponse";

interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: OpenApiParameter[] }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

interface CompiledSpec {
  document: OpenApiDocument;
  validators: Map<string, ValidateFunction>;
}

let plainSpec: CompiledSpec | undefined;
let closedSpec: CompiledSpec | undefined;

/**
 * Validates a `/griddata` request body against the `GridData` schema.
 * Returns one message per violation, or an empty array when the body is valid.
 */
export function validateGridDataRequest(body: unknown, options: ValidateOptions = {}): string[] {
  return validateAgainst(REQUEST_SCHEMA, body, options);
}

/**
 * Validates a `/griddata` response body (success or error envelope) against the `AddResponse`
 * schema. Returns one message per violation, or an empty array when the body is valid.
 */
export function validateGridDataResponse(body: unknown, options: ValidateOptions = {}): string[] {
  return validateAgainst(RESPONSE_SCHEMA, body, options);
}

/**
 * Checks that the headers the spec marks as required for `POST /griddata` (`tenant` and
 * `organization`) are present and not blank. Returns one message per missing or blank header.
 */
export function validateGridDataHeaders(headers: Headers): string[] {
  const operation = loadSpec(false).document.paths["/griddata"]?.post;
  if (!operation) {
    throw new Error(`${SPEC_FILE_NAME} has no POST /griddata operation`);
  }
  const errors: string[] = [];
  for (const parameter of operation.parameters ?? []) {
    if (parameter.in !== "header" || !parameter.required) continue;
    const value = headers.get(parameter.name);
    if (value === null) {
      errors.push(`missing required header ${parameter.name}`);
    } else if (value.trim() === "") {
      errors.push(`required header ${parameter.name} is blank`);
    }
  }
  return errors;
}

function validateAgainst(schemaRef: string, body: unknown, options: ValidateOptions): string[] {
  const spec = loadSpec(options.rejectUnknownProperties === true);
  let validate = spec.validators.get(schemaRef);
  if (!validate) {
    // strict: false lets Ajv skip OpenAPI-only keywords such as `example`. Ajv 8 reads
    // OpenAPI 3.0 `nullable: true` as also allowing null.
    const ajv = new Ajv({ strict: false, allErrors: true });
    // The whole document is one schema, so `#/components/...` references resolve inside it.
    ajv.addSchema(spec.document, SPEC_FILE_NAME);
    validate = ajv.getSchema(`${SPEC_FILE_NAME}${schemaRef}`);
    if (!validate) throw new Error(`schema ${schemaRef} not found in ${SPEC_FILE_NAME}`);
    spec.validators.set(schemaRef, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map(formatError);
}

function formatError(error: ErrorObject): string {
  const path = error.instancePath === "" ? "(root)" : error.instancePath;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "enum") {
    return `${path} ${error.message}: ${JSON.stringify(params.allowedValues)}`;
  }
  if (error.keyword === "additionalProperties") {
    return `${path} has undeclared property ${JSON.stringify(params.additionalProperty)}`;
  }
  return `${path} ${error.message}`;
}

function loadSpec(rejectUnknownProperties: boolean): CompiledSpec {
  if (!plainSpec) {
    plainSpec = { document: readSpecDocument(), validators: new Map() };
  }
  if (!rejectUnknownProperties) return plainSpec;
  if (!closedSpec) {
    const document = structuredClone(plainSpec.document);
    for (const schema of Object.values(document.components.schemas)) {
      if (schema.properties !== undefined && schema.additionalProperties === undefined) {
        schema.additionalProperties = false;
      }
    }
    closedSpec = { document, validators: new Map() };
  }
  return closedSpec;
}

function readSpecDocument(): OpenApiDocument {
  const candidates: (string | URL)[] = [DEFAULT_SPEC_URL];
  const folder = Deno.env.get("PEMS_OPENAPI_DIR");
  if (folder) candidates.push(`${folder.replace(/\/+$/, "")}/${SPEC_FILE_NAME}`);

  for (const candidate of candidates) {
    let text: string;
    try {
      text = Deno.readTextFileSync(candidate);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    try {
      return JSON.parse(text) as OpenApiDocument;
    } catch (error) {
      throw new Error(`invalid JSON in ${candidate}: ${(error as Error).message}`);
    }
  }
  const tried = candidates.map((candidate) =>
    candidate instanceof URL ? candidate.pathname : candidate
  );
  throw new Error(
    `${SPEC_FILE_NAME} not found (tried ${tried.join(", ")}); ` +
      "set PEMS_OPENAPI_DIR to the folder that contains it",
  );
}
