import { ErrorMessage, Layout } from "./layout.tsx";

/** Messages and prefilled values of the login page. */
export interface LoginPageProps {
  /** Information such as "You have logged out." */
  notice?: string;
  /** Reason the last login attempt failed. */
  error?: string;
  /** The email to fill in again after a failed attempt. */
  email?: string;
}

/** Renders the login page: a form with email and password, posted to /login. */
export function LoginPage(props: LoginPageProps) {
  return (
    <Layout title="Log in">
      <section class="login-card" aria-labelledby="login-title">
        <h1 id="login-title">Log in to pems-sync</h1>
        {props.notice && <p class="alert alert-info" role="status">{props.notice}</p>}
        {props.error && <ErrorMessage message={props.error} />}
        <form method="post" action="/login" class="stack">
          <label for="login-email">Email</label>
          <input
            id="login-email"
            name="email"
            type="email"
            autocomplete="username"
            required
            maxlength={320}
            value={props.email ?? ""}
            autofocus
          />
          <label for="login-password">Password</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            maxlength={1000}
          />
          <button type="submit" class="button button-primary">Log in</button>
        </form>
      </section>
    </Layout>
  );
}
