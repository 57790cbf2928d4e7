"""The Home tab as Block Kit: the connection area (`view`) and "Your notifications"
(`preferences`)."""
