"""The search's one error type, worded in the domain's names for its inputs.

A message names the inputs of a search by their names here (INPUTS: `grid`, `random`,
`workers`, `walk_forward`, `cluster`), not by any interface's: the CLI passes its flags to
`worded` (`--grid`, `--random` ...), so the business layer does not know the CLI.
"""

INPUTS = ("grid", "random", "workers", "walk_forward", "cluster")


class SearchError(ValueError):
    """A search that cannot be run as asked; the message says why. `template` is the
    message with `{grid}`, `{random}`, `{workers}` and `{walk_forward}` where it names an
    input, and `{name}` for each of `values`."""

    def __init__(self, template: str, **values) -> None:
        self.template, self.values = template, values
        super().__init__(self.worded({}))

    def worded(self, names: dict[str, str]) -> str:
        """The message naming each input as `names` says (input -> the interface's name;
        an input not in `names` keeps its own)."""
        return self.template.format(**{k: names.get(k, k) for k in INPUTS}, **self.values)
