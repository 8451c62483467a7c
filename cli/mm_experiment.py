"""`souq mm as-experiment`: the Avellaneda-Stoikov Monte Carlo experiment
(mm.desk.as_experiment does the work; this only reads arguments and prints)."""
import time

import typer

from .context import guarded, out, print_json


def register(mm_app: typer.Typer) -> None:
    """Adds this module's commands to the `mm` sub-app."""
    mm_app.command("as-experiment")(as_experiment)


def as_experiment(
    gamma: float = typer.Option(0.1, "--gamma", help="Risk aversion (the paper ran 0.01, "
                                "0.1 and 0.5)."),
    paths: int = typer.Option(1000, "--paths", help="Monte Carlo paths."),
    seed: int = typer.Option(0, "--seed", help="Same seed, same numbers."),
    json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Avellaneda-Stoikov (2008): the inventory strategy against the symmetric one on the
    same simulated paths (s0 100, T 1, sigma 2, dt 0.005, A 140, k 1.5)."""
    with guarded():
        from souq.mm.desk.as_experiment import run      # numpy only for this command
        started = time.perf_counter()
        result = run(gamma, paths, seed)
        wall = time.perf_counter() - started
    if json:
        print_json(result)
        return
    out.print(f"Avellaneda-Stoikov experiment: gamma {gamma:g}, {paths} paths, seed {seed} "
              f"({wall:.2f} s)", markup=False)
    out.print(f"{'strategy':<10} {'spread':>8} {'profit':>9} {'std':>8} {'final q':>8} "
              f"{'std':>7}", markup=False)
    for name in ("inventory", "symmetric"):
        r = result[name]
        out.print(f"{name:<10} {r['spread']:>8.4f} {r['profit_mean']:>9.2f} "
                  f"{r['profit_std']:>8.2f} {r['q_mean']:>8.3f} {r['q_std']:>7.2f}",
                  markup=False)
