"""The network gateway: `souq serve`, a REST and WebSocket front door over db.api.

One more interface over the same exchange: routes turn HTTP requests into the same
commands and reads the CLI uses, checked against the same rule table (engine.permissions).
"""
