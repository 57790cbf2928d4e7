"""A local stand-in for Slack: Web API, interactivity and a browser UI."""
