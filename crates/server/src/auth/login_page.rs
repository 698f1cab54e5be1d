//! The login page: a form in the inbox's style, with no script, sent with the inbox's
//! CSP; everything it repeats back (the email typed, the page to return to) is escaped.

use std::fmt::Write as _;

use crate::page::{STYLE, escape, open_page};

/// What the login form shows.
pub(crate) struct LoginView<'a> {
    /// The form's CSRF token.
    pub csrf: &'a str,
    /// Where to go after logging in (already checked to be a path of this site).
    pub next: &'a str,
    /// The email typed last time, kept so only the password is retyped.
    pub email: &'a str,
    /// Why the last attempt failed, if it did.
    pub message: Option<&'a str>,
}

const LOGIN_STYLE: &str = "
form.login { max-width: 22rem; margin: 3rem auto; background: var(--card);
  border: 1px solid var(--line); border-radius: 8px; padding: 1.25rem 1.5rem; }
form.login label { display: block; margin: .75rem 0 .25rem; }
form.login input { width: 100%; font: inherit; padding: .4rem .5rem; border-radius: 6px;
  border: 1px solid var(--line); background: var(--bg); color: var(--fg); }
form.login button { margin-top: 1rem; font: inherit; padding: .45rem 1rem; border: 0;
  border-radius: 6px; background: var(--accent); color: #fff; cursor: pointer; }
form.login button:focus-visible, form.login input:focus-visible { outline: 2px solid var(--accent);
  outline-offset: 2px; }
.error { color: var(--warn); }
";

/// The whole login page.
pub(crate) fn render(view: &LoginView<'_>) -> String {
    let mut html = String::with_capacity(4096);
    open_page(&mut html, "Log in · Deflect inbox", &[STYLE, LOGIN_STYLE]);
    html.push_str("<form class=\"login\" method=\"post\" action=\"/login\">\n");
    html.push_str("<h1>Deflect inbox</h1>\n");
    if let Some(message) = view.message {
        let _ = writeln!(
            html,
            "<p class=\"error\" role=\"alert\">{}</p>",
            escape(message)
        );
    }
    let _ = writeln!(
        html,
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">\n<input type=\"hidden\" name=\"next\" value=\"{}\">",
        escape(view.csrf),
        escape(view.next)
    );
    let _ = writeln!(
        html,
        "<label for=\"email\">Email</label>\n<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"{}\">",
        escape(view.email)
    );
    html.push_str("<label for=\"password\">Password</label>\n<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\n");
    html.push_str("<button type=\"submit\">Log in</button>\n</form>\n</main>\n</body>\n</html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_repeated_back_is_escaped() {
        let html = render(&LoginView {
            csrf: "tok",
            next: "/inbox?a=\"><script>",
            email: "<b>@x",
            message: Some("<i>no</i>"),
        });
        assert!(!html.contains("<script"));
        assert!(!html.contains("<b>") && !html.contains("<i>"));
        assert!(html.contains("name=\"csrf\" value=\"tok\""));
    }
}
