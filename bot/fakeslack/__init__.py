"""Local fakes of Slack for the terminal shell and the end-to-end tests."""
