import type { Child } from "hono/jsx";

/** Id of the element in a confirmation dialog that shows the server's error message. */
export const confirmErrorId = "confirm-error";

/** Title, text and action of a confirmation dialog. */
export interface ConfirmDialogProps {
  title: string;
  /** Path that the confirm button posts to. */
  action: string;
  /** Element that the success response replaces (`outerHTML`), such as `#users-table`. */
  target: string;
  confirmLabel: string;
  /**
   * Ids of the elements that get the focus when the dialog closes, separated by spaces: the
   * first one still on the page wins, so a deleted row's button can fall back to another one.
   */
  returnFocus: string;
  children: Child;
}

/**
 * Renders a native `<dialog>` that confirms a destructive action before it runs. On success the
 * response replaces `target` and static/app.js closes the dialog. A refusal, such as 409, is shown
 * in the dialog, in `#confirm-error`.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  return (
    <dialog
      class="modal"
      id="confirm-dialog"
      role="alertdialog"
      aria-labelledby="confirm-dialog-title"
      aria-describedby="confirm-dialog-text"
      data-auto-open
      data-return-focus={props.returnFocus}
    >
      <form
        hx-post={props.action}
        hx-target={props.target}
        hx-swap="outerHTML"
        hx-disabled-elt="find button[type=submit]"
        data-close-on-success
        class="stack"
      >
        <h2 id="confirm-dialog-title">{props.title}</h2>
        <div id={confirmErrorId}></div>
        <div id="confirm-dialog-text">{props.children}</div>
        <div class="modal-actions">
          <button type="button" class="button button-secondary" data-close-dialog autofocus>
            Cancel
          </button>
          <button type="submit" class="button button-danger">{props.confirmLabel}</button>
        </div>
      </form>
    </dialog>
  );
}
