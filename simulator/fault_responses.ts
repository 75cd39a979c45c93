/**
 * Responses of injected faults (see {@linkcode SimulatorFault}).
 *
 * A reset is sent as a Content-Length larger than the bytes that follow: the server closes the
 * connection when the body stream ends early, and the client fails while reading the body, as
 * after a TCP reset. Erroring the body stream instead has the same effect in Deno 2.9.6, but
 * also prints the error on the server's stderr.
 *
 * @module
 */

import type { SimulatorFault } from "./faults.ts";
import { authorizationFailed } from "./auth.ts";
import { errorResponse, JSON_HEADERS } from "./response.ts";

/** Faults whose response needs no grid body. */
export type ErrorFault = Extract<
  SimulatorFault,
  { kind: "status" | "rate_limit" | "bad_credentials" }
>;

/** Faults that break the delivery of the normal body. */
export type BodyFault = Extract<SimulatorFault, { kind: "reset" | "hang" | "malformed_json" }>;

const STATUS_ALERTS: Record<number, [name: string, reason: string, message: string]> = {
  500: ["InternalError", "Internal Server Error", "simulated fault: internal server error"],
  502: ["BadGateway", "Bad Gateway", "simulated fault: the gateway got no valid response"],
  503: ["ServiceUnavailable", "Service Unavailable", "simulated fault: service unavailable"],
  504: ["GatewayTimeout", "Gateway Timeout", "simulated fault: the gateway timed out"],
};

/** Returns the response of a status, rate_limit or bad_credentials fault. */
export function errorFaultResponse(fault: ErrorFault): Response {
  if (fault.kind === "bad_credentials") {
    const error = authorizationFailed(fault.message ?? "simulated fault: credentials rejected");
    return errorResponse(401, error.alertName, error.message, {
      "www-authenticate": 'Basic realm="pems-simulator"',
    });
  }
  if (fault.kind === "rate_limit") {
    const seconds = fault.retryAfterSeconds ?? 1;
    const message = fault.message ?? `simulated fault: too many requests, retry in ${seconds} s`;
    return errorResponse(429, "TooManyRequests", message, { "retry-after": String(seconds) });
  }
  const status = fault.status ?? 503;
  const [name, reason, defaultMessage] = STATUS_ALERTS[status];
  const message = fault.message ?? defaultMessage;
  if (fault.body === "empty") return new Response(null, { status });
  if (fault.body === "html") {
    const page = `<html><head><title>${status} ${reason}</title></head>` +
      `<body><h1>${status} ${reason}</h1><p>${escapeHtml(message)}</p></body></html>`;
    return new Response(page, { status, headers: { "content-type": "text/html" } });
  }
  return errorResponse(status, name, message);
}

/** Returns the response of a reset, hang or malformed_json fault that breaks `body`. */
export function bodyFaultResponse(fault: BodyFault, body: Uint8Array<ArrayBuffer>): Response {
  const half = Math.floor(body.length / 2);
  // Never send the whole body, or the response would arrive intact.
  const cut = Math.min(fault.bytes ?? (fault.kind === "hang" ? 0 : half), body.length - 1);
  const sent = body.subarray(0, Math.max(0, cut));
  if (fault.kind === "malformed_json") {
    return new Response(sent, { status: 200, headers: JSON_HEADERS });
  }

  const headers = { ...JSON_HEADERS, "content-length": String(body.length) };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (sent.length > 0) controller.enqueue(sent);
      if (fault.kind === "reset") controller.close();
      else if (fault.ms !== undefined) timer = setTimeout(() => controller.close(), fault.ms);
    },
    cancel() {
      clearTimeout(timer);
    },
  });
  return new Response(stream, { status: 200, headers });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
}
