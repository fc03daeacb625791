"""scp-bot: a Slack front end for the records of SupportCenter Plus custom modules."""

__version__ = "0.1.0"
