/**
 * The benchmark's REST and SSE client of a running pems-sync service.
 *
 * @module
 */

/** The fields of a run's progress that the benchmark reads. */
export interface RunProgress {
  syncId: string;
  status: string;
  totalRecords: number | null;
  processedRecords: number;
  insertedRecords: number;
  updatedRecords: number;
  unchangedRecords: number;
  errorRecords: number;
  durationMs: number | null;
  error: string | null;
}

/** One Server-Sent Event and the `performance.now()` at which it arrived. */
export interface ReceivedEvent {
  event: string;
  data: string;
  receivedAt: number;
}

/** A client logged in to the service at `origin`. */
export class ServiceClient {
  private constructor(readonly origin: string, private readonly token: string) {}

  /** Logs in with POST /api/auth/login. */
  static async login(origin: string, email: string, password: string): Promise<ServiceClient> {
    const response = await fetch(`${origin}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    const body = await response.json();
    if (response.status !== 200) {
      throw new Error(`login as ${email} failed with ${response.status}: ${JSON.stringify(body)}`);
    }
    return new ServiceClient(origin, body.token);
  }

  /** Sends a JSON request and returns the parsed body; throws unless the status is `expected`. */
  async request(method: string, path: string, body: unknown, expected: number): Promise<any> {
    const response = await fetch(this.origin + path, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${this.token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expected) {
      throw new Error(
        `${method} ${path} returned ${response.status}, expected ${expected}: ${text}`,
      );
    }
    return text === "" ? undefined : JSON.parse(text);
  }

  /** Creates a PFA configuration that reads the simulator at `url`; returns its id. */
  async createPfaConfiguration(url: string, pageSize: number): Promise<number> {
    const created = await this.request("POST", "/api/configs", {
      name: "Benchmark PFA",
      usage: "BENCH_PFA_READ",
      url,
      authType: "basic",
      username: "pems",
      password: "pems-demo",
      customHeaders: { tenant: "DEMO_DEV" },
      operationType: "read",
      feeds: [{ entity: "pfa" }],
      pageSize,
    }, 201);
    return created.id;
  }

  /** Points a configuration at another EAM URL. */
  async setConfigurationUrl(configId: number, url: string): Promise<void> {
    await this.request("PATCH", `/api/configs/${configId}`, { url }, 200);
  }

  /** Starts a full sync and returns its id. */
  async startFullSync(configId: number, organization: string): Promise<string> {
    const started = await this.request("POST", "/api/pems/sync", {
      apiConfigId: configId,
      organization,
      mode: "full",
    }, 202);
    return started.syncId;
  }

  /** Reads a run's progress. */
  progress(syncId: string): Promise<RunProgress> {
    return this.request("GET", `/api/pems/sync/${syncId}`, undefined, 200);
  }

  /**
   * Follows a run's event stream until its `done` event, calling `onEvent` for each event as it
   * arrives. Resolves with the final progress.
   */
  async followEvents(
    syncId: string,
    onEvent: (event: ReceivedEvent) => void,
    signal?: AbortSignal,
  ): Promise<RunProgress> {
    const response = await fetch(`${this.origin}/api/pems/sync/${syncId}/events`, {
      headers: { authorization: `Bearer ${this.token}`, accept: "text/event-stream" },
      signal,
    });
    if (response.status !== 200 || !response.body) {
      throw new Error(`event stream of run ${syncId} returned ${response.status}`);
    }
    let final: RunProgress | undefined;
    await readEventStream(response.body, (event) => {
      onEvent(event);
      if (event.event === "done") final = JSON.parse(event.data);
      return event.event === "done";
    });
    if (!final) throw new Error(`event stream of run ${syncId} ended before its done event`);
    return final;
  }
}

/** Parses `text/event-stream` until `onEvent` returns true or the stream ends. */
async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: ReceivedEvent) => boolean,
): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let event = "message";
  let data: string[] = [];
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      const receivedAt = performance.now();
      buffered += value;
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const line = buffered.slice(0, newline).replace(/\r$/, "");
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf("\n");
        if (line === "") {
          if (data.length > 0 && onEvent({ event, data: data.join("\n"), receivedAt })) return;
          event = "message";
          data = [];
        } else if (line.startsWith("event:")) {
          event = line.slice(6).trim();
        } else if (line.startsWith("data:")) {
          data.push(line.slice(5).replace(/^ /, ""));
        }
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
