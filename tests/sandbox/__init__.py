"""Tests for the Slack sandbox."""
