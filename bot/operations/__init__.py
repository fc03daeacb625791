"""Module operations: the business rules between Slack listeners and the API client;
nothing here uses Slack."""
