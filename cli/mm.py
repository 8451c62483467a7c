"""`souq mm ...`: the market-making desk from scripts. Each group of commands lives in its
own module and registers itself on the `mm` sub-app."""
import typer

from . import mm_configs, mm_experiment, mm_run

mm_app = typer.Typer(name="mm", no_args_is_help=True, add_completion=False,
                     help="Market-making strategies: configure, run, watch.")


def register(app: typer.Typer) -> None:
    mm_configs.register(mm_app)
    mm_run.register(mm_app)
    mm_experiment.register(mm_app)
    app.add_typer(mm_app, name="mm")
