"""The Slack integration's own entities: a workspace installation, an install attempt (an
OAuth state), a person's Slack identity. The mentoring world never imports them."""
