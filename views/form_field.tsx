import type { Child } from "hono/jsx";

/** Renders a label, its control and an optional hint, whose id is `${id}-hint`. */
export function FormField(props: {
  id: string;
  label: string;
  hint?: string;
  children: Child;
  wide?: boolean;
}) {
  return (
    <div class={props.wide ? "field field-wide" : "field"}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && <p id={`${props.id}-hint`} class="hint">{props.hint}</p>}
    </div>
  );
}
