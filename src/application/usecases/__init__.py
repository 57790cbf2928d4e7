"""One module per workflow: a frozen command and its handler."""
