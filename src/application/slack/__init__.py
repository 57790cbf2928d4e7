"""The Slack integration's use cases and ports: install and remove workspaces, sync their
directory, the gateway to Slack's Web API. The mentoring use cases never import them (an
import-linter contract holds it)."""
