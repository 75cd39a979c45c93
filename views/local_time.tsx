import { emptyValue, formatDate, formatDateTime, formatTime, isoTime } from "./format.ts";

const formatters = { date: formatDate, datetime: formatDateTime, time: formatTime };

/**
 * Renders a `<time>` element formatted in UTC on the server. static/app.js formats it again in the
 * browser's time zone, as a date (`MMM DD, YYYY`), a date and time (`MMM DD, YYYY HH:MM`) or a
 * time of day (`HH:MM:SS`).
 */
export function LocalTime(props: {
  value: Date | string | null;
  format: "date" | "datetime" | "time";
  empty?: string;
}) {
  const iso = isoTime(props.value);
  if (!iso) return <>{props.empty ?? emptyValue}</>;
  const text = formatters[props.format](iso);
  return <time datetime={iso} data-format={props.format} title="UTC">{text}</time>;
}
