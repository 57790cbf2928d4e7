"""The admin pages: server-side sessions, CSRF, Jinja templates, flash messages and refusals
shown as pages."""
