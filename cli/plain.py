"""Nested figures as lines a person reads: dotted keys, "-" for a value that is not there,
never a Python dict, list or None on screen (`souq backtest`, `souq runs show|compare`)."""


def flat(values: dict, prefix: str = "") -> list[tuple[str, object]]:
    """(dotted key, leaf value) for every leaf of `values`, in its order: {"pnl": {"total":
    "1"}} gives [("pnl.total", "1")]. An empty dict is one leaf."""
    out = []
    for k, v in values.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            out += flat(v, key + ".")
        else:
            out.append((key, v))
    return out


def text(value) -> str:
    """A leaf as text: "-" for None or an empty dict or list, a list comma-separated,
    booleans as yes/no, anything else as str."""
    if value is None or value == {} or value == []:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{k}={text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(text(v) for v in value)
    return str(value)
