const shortErrorLength = 80;

/**
 * Renders an error message. A long one, such as a full EAM error, opens on request, so that it
 * does not make its table column very wide or tall.
 */
export function ErrorText(props: { message: string }) {
  if (props.message.length <= shortErrorLength) return <>{props.message}</>;
  return (
    <details class="error-text">
      <summary>{props.message.slice(0, shortErrorLength - 20).trimEnd()}…</summary>
      {props.message}
    </details>
  );
}
