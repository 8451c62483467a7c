"""A quicker constructor for the desk's frozen, slotted records (Quote, Live, Fill, Trade,
Book), made at every decision by the dozen.

dataclass(frozen=True) builds an __init__ that sets each field with
`object.__setattr__(self, name, value)`: a generic attribute set per field. `quick_init`
gives the class an __init__ with the same parameters and defaults that sets each field
through its own slot descriptor instead (what that generic set ends in), about twice as
fast. Nothing else changes: the class stays frozen (assigning a field still raises
FrozenInstanceError), and eq, hash, repr and pickling are dataclass's own.
"""
import dataclasses


def quick_init(cls):
    """Replace the __init__ of the frozen, slotted dataclass `cls` (fields without
    default factories) by one setting the fields through their slot descriptors; returns
    `cls`. Raises TypeError for any other kind of class."""
    params = cls.__dataclass_params__
    if not (params.frozen and "__slots__" in cls.__dict__):
        raise TypeError(f"{cls.__name__} is not a frozen, slotted dataclass")
    fields = [f for f in dataclasses.fields(cls) if f.init]
    env = {"__dataclass_type__": cls}
    args, body = [], []
    for i, f in enumerate(fields):
        if f.default_factory is not dataclasses.MISSING or f.kw_only:
            raise TypeError(f"{cls.__name__}.{f.name}: only plain fields are supported")
        env[f"_set{i}"] = cls.__dict__[f.name].__set__
        if f.default is dataclasses.MISSING:
            args.append(f.name)
        else:
            env[f"_default{i}"] = f.default
            args.append(f"{f.name}=_default{i}")
        body.append(f"    _set{i}(self, {f.name})")
    src = f"def __init__(self, {', '.join(args)}):\n" + "\n".join(body or ["    pass"]) + "\n"
    exec(src, env)
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init
    return cls


def slot_setters(cls) -> tuple:
    """The slot setters of the frozen, slotted dataclass `cls`, in field order: what
    `quick_init`'s __init__ calls. For compiled code that makes many records of one
    class at once (mm/backtest/runner.py, the tape's Trade and Fill records):
    `r = object.__new__(cls)` and then each setter called on (r, value), in field order,
    for every field, gives the record `cls(*values)` gives, without an interpreted
    __init__ frame per record. Raises TypeError for any other kind of class."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not (params.frozen and "__slots__" in cls.__dict__):
        raise TypeError(f"{cls.__name__} is not a frozen, slotted dataclass")
    return tuple(cls.__dict__[f.name].__set__ for f in dataclasses.fields(cls))
