import { emptyValue, formatDate, formatDateTime, isoTime } from "./format.ts";

/**
 * Renders a `<time>` element formatted in UTC on the server. static/app.js formats it again in the
 * browser's time zone, as a date (`MMM DD, YYYY`) or a date and time (`MMM DD, YYYY HH:MM`).
 */
export function LocalTime(props: {
  value: Date | string | null;
  format: "date" | "datetime";
  empty?: string;
}) {
  const iso = isoTime(props.value);
  if (!iso) return <>{props.empty ?? emptyValue}</>;
  const text = props.format === "date" ? formatDate(iso) : formatDateTime(iso);
  return <time datetime={iso} data-format={props.format} title="UTC">{text}</time>;
}
