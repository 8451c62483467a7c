"""Two runs side by side: what each ran, then every figure line either has, matched by
its label (section order of the first run, then lines only the second has)."""
from .content import Report
from .formats import about

MISSING = "-"


def compare(a: Report, b: Report) -> list[tuple[str, str, str, str]]:
    """(section, label, text of a, text of b)."""
    out = []
    ab, bb = dict(about(a)), dict(about(b))
    for label in dict.fromkeys([*ab, *bb]):
        if label != "Code version":
            out.append(("Run", label, ab.get(label, MISSING), bb.get(label, MISSING)))
    bl = {(s, lab): v for s, lab, v in b.lines}
    al = {(s, lab): v for s, lab, v in a.lines}
    for s, lab, v in a.lines:
        out.append((s, lab, v, bl.get((s, lab), MISSING)))
    out += [(s, lab, MISSING, v) for s, lab, v in b.lines if (s, lab) not in al]
    return out
