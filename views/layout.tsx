import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import type { User } from "../db/users.ts";
import { assetPath } from "../lib/static_assets.ts";

// htmx 2.0.11 settings. Eval and script tags are off, so fragments cannot run code and a CSP
// without 'unsafe-eval' or 'unsafe-inline' works. The admin routes respond to 400, 403, 404 and
// 409 errors with HTML that explains the problem where it happened, so htmx swaps those like a 200.
const htmxConfig = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  selfRequestsOnly: true,
  responseHandling: [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "40[0349]", swap: true },
    { code: "[45]..", swap: false, error: true },
  ],
});

const homePath = "/admin/api-connectivity";

/**
 * Renders the HTML document of every page: assets, header with the signed-in user, main area.
 * `isHome` marks the API connectivity link as the current page.
 */
export function Layout(props: { title: string; user?: User; isHome?: boolean; children: Child }) {
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content={htmxConfig} />
          <title>{props.title} · pems-sync</title>
          <link rel="stylesheet" href={assetPath("app.css")} />
          <script src={assetPath("htmx.min.js")} defer></script>
          <script src={assetPath("sse.min.js")} defer></script>
          <script src={assetPath("app.js")} defer></script>
        </head>
        <body>
          <a class="skip-link" href="#main">Skip to content</a>
          <header class="site-header">
            <span class="brand">pems-sync</span>
            {props.user && (
              <>
                <nav aria-label="Main">
                  <a href={homePath} aria-current={props.isHome ? "page" : undefined}>
                    API connectivity
                  </a>
                </nav>
                <form class="session" method="post" action="/logout">
                  <span class="session-user">
                    {props.user.email} <span class="role">({props.user.role})</span>
                  </span>
                  <button type="submit" class="button button-quiet">Log out</button>
                </form>
              </>
            )}
          </header>
          <main id="main" tabindex={-1}>
            <div id="flash" class="flash" aria-live="polite"></div>
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}

/** Renders the message of a failed action with `role="alert"`, so screen readers announce it. */
export function ErrorMessage(props: { message: string }) {
  return <p class="alert alert-error" role="alert">{props.message}</p>;
}

/** A page above the current one in the breadcrumb trail. */
export interface Breadcrumb {
  href: string;
  label: string;
}

/** Renders the breadcrumb trail from the API connectivity page to the current page. */
export function Breadcrumbs(props: { trail?: Breadcrumb[]; current: string }) {
  const trail = [{ href: homePath, label: "API connectivity" }, ...(props.trail ?? [])];
  return (
    <nav class="breadcrumbs" aria-label="Breadcrumb">
      <ol>
        {trail.map((crumb) => (
          <li>
            <a href={crumb.href}>{crumb.label}</a>
          </li>
        ))}
        <li aria-current="page">{props.current}</li>
      </ol>
    </nav>
  );
}
