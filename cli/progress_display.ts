import type { SyncProgress } from "../sync/progress.ts";
import type { CliIo } from "./command.ts";
import { formatCount } from "./table.ts";

const barWidth = 30;

function describeProgress(progress: SyncProgress): string {
  const total = progress.totalRecords === null ? "?" : formatCount(progress.totalRecords);
  const batches = progress.totalBatches === null ? "" : ` of ${progress.totalBatches}`;
  return `${progress.percent}% ${formatCount(progress.processedRecords)}/${total} rows, ` +
    `batch ${progress.currentBatch}${batches}, ${progress.status}`;
}

/** Shows a run's progress: a bar redrawn in place on a terminal, else one line per change. */
export function createProgressDisplay(io: CliIo) {
  let lastLine = "";
  let barShown = false;
  return {
    show(progress: SyncProgress): void {
      const text = describeProgress(progress);
      if (text === lastLine) return;
      lastLine = text;
      if (!io.stdoutIsTerminal) {
        io.stdout(`progress ${text}\n`);
        return;
      }
      const filled = Math.round((progress.percent / 100) * barWidth);
      // \r returns to the line start and ESC[2K clears the line, so the bar redraws in place.
      io.stdout(`\r\x1b[2K[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${text}`);
      barShown = true;
    },
    /** Ends the bar's line, so the next output starts on a line of its own. */
    finish(): void {
      if (barShown) io.stdout("\n");
      barShown = false;
    },
  };
}

/** Summarizes a finished run in one line. */
export function describeOutcome(progress: SyncProgress): string {
  const seconds = progress.durationMs === null
    ? ""
    : ` in ${(progress.durationMs / 1000).toFixed(1)} s`;
  const counts = `${formatCount(progress.processedRecords)} rows: ` +
    `${formatCount(progress.insertedRecords)} inserted, ${
      formatCount(progress.updatedRecords)
    } updated, ` +
    `${formatCount(progress.unchangedRecords)} unchanged, ${
      formatCount(progress.errorRecords)
    } quarantined, ` +
    `${formatCount(progress.deletedRecords)} marked deleted`;
  const error = progress.error ? `: ${progress.error}` : "";
  return `sync run ${progress.syncId} ${progress.status}${error}; ${counts}${seconds}`;
}
