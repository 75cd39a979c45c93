import { ConfigError, loadConfig } from "./lib/config.ts";
import { log } from "./lib/log.ts";
import { startService } from "./lib/service.ts";

let config;
try {
  config = loadConfig(Deno.env.toObject());
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`pems-sync: ${error.message}`);
  Deno.exit(1);
}

try {
  const service = await startService(config);
  const stop = async () => {
    log("info", "pems-sync stopping");
    await service.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
} catch (error) {
  log("error", "pems-sync failed to start", { error });
  console.error(`pems-sync: ${(error as Error).message}`);
  Deno.exit(1);
}
