"""The browser UI: pick a workspace user, see their DMs and Home tab, click and submit."""
