"""E-mail, the fallback channel: an SMTP mailer and its in-memory fake."""
