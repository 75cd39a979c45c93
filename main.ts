import { ConfigError, loadConfig } from "./lib/config.ts";
import { log } from "./lib/log.ts";
import { type Service, startService } from "./lib/service.ts";

let service: Service | undefined;

// Registered at the top level, as Deno Deploy requires. Each tick picks up runs whose worker
// vanished (a killed process) without waiting for the KV queue's own redelivery, and advances
// the pending jobs of the cron job driver.
Deno.cron("advance sync jobs", "* * * * *", async () => {
  if (!service) return;
  try {
    await service.tick();
  } catch (error) {
    log("error", "sync job tick failed", { error });
  }
});

Deno.cron("run due sync schedules", "* * * * *", async () => {
  if (!service) return;
  try {
    await service.runSchedules(new Date());
  } catch (error) {
    log("error", "scheduled sync runs failed to start", { error });
  }
});

let config;
try {
  config = loadConfig(Deno.env.toObject());
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`pems-sync: ${error.message}`);
  Deno.exit(1);
}

try {
  service = await startService(config);
  let stopping = false;
  // `deno task` forwards a signal that the process group also received, so it may come twice.
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log("info", "pems-sync stopping");
    await service?.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
} catch (error) {
  log("error", "pems-sync failed to start", { error });
  console.error(`pems-sync: ${(error as Error).message}`);
  Deno.exit(1);
}
