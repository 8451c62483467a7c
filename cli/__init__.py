"""The headless typer CLI: arguments in, commands to the exchange, text out."""
