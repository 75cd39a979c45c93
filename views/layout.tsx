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

/** Pages of the header's navigation; a page's key marks its link as the current page. */
const navigation = [
  { key: "connectivity", href: homePath, label: "API connectivity", adminOnly: false },
  { key: "users", href: "/admin/users", label: "Users", adminOnly: true },
  { key: "audit", href: "/admin/audit", label: "Audit log", adminOnly: true },
] as const;

/** A page of the header's navigation. */
export type NavigationKey = (typeof navigation)[number]["key"];

function MainNavigation(props: { user: User; current?: NavigationKey }) {
  const links = navigation.filter((link) => !link.adminOnly || props.user.role === "admin");
  return (
    <nav aria-label="Main">
      <ul class="main-nav">
        {links.map((link) => (
          <li>
            <a href={link.href} aria-current={link.key === props.current ? "page" : undefined}>
              {link.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * Renders the HTML document of every page: assets, header with the signed-in user, main area.
 * `current` marks the navigation link of the page; Users and Audit log show for admins only.
 */
export function Layout(
  props: { title: string; user?: User; current?: NavigationKey; children: Child },
) {
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
                <MainNavigation user={props.user} current={props.current} />
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

/**
 * Renders a success message that htmx swaps into the page's `#flash` area, out of band, next to
 * the main response of an action.
 */
export function FlashMessage(props: { message: string }) {
  return (
    <div id="flash" hx-swap-oob="innerHTML">
      <p class="alert alert-success" role="status">{props.message}</p>
    </div>
  );
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
