"""`souq mm` commands: (being written)."""
import typer


def register(mm_app: typer.Typer) -> None:
    """Adds this module's commands to the `mm` sub-app."""
