"""What the order ticket and the quick entry offer before anything is typed, from the
symbol's own spec: the smallest quantity the exchange accepts (the larger of the minimum
quantity and the step) and a price inside the daily band around the reference.

A default the exchange would refuse teaches the wrong thing: the ticket once offered one
step (0.0001 ETH) where ETH-USDT's minimum is 0.001, and the entry's examples priced BTC
at 100,000,000 IRR, outside a band of 95,000,000,000 +-10%.
"""
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from souq.mm.display import to_decimal

from .entry import SUFFIX
from .snapshot import ScreenView

SHORT_DIGITS = 3        # significant digits of the shorthand example (99.5m): within 1%


def default_qty(view: ScreenView) -> str:
    """The smallest accepted quantity: max(min_qty, step), a whole number of steps."""
    step = to_decimal(view.step) or Decimal(1)
    least = max(to_decimal(view.min_qty) or step, step)
    steps = (least / step).to_integral_value(rounding=ROUND_UP)
    return plain(steps * step)


def reference_price(view: ScreenView, side: str | None = None) -> Decimal | None:
    """A price to start from: the touch on `side`'s far side (the best ask to buy, the best
    bid to sell), else the mid, the last trade, the band's reference; kept inside the band
    and on the tick. None when the symbol has no price at all."""
    touch = {"buy": view.asks, "sell": view.bids}.get(side or "", ())
    price = next((to_decimal(x) for x in (touch[0].price if touch else None, view.mid,
                                          view.last, view.ref) if to_decimal(x)), None)
    if price is None:
        return None
    if view.band:
        low, high = (to_decimal(x) for x in view.band)
        price = min(max(price, low), high)
    tick = to_decimal(view.tick) or Decimal(1)
    return (price / tick).to_integral_value(rounding=ROUND_DOWN) * tick


def in_band(view: ScreenView, price: Decimal) -> bool:
    if not view.band:
        return True
    low, high = (to_decimal(x) for x in view.band)
    return low <= price <= high


def shorthand(view: ScreenView, price: Decimal) -> str | None:
    """`price` to SHORT_DIGITS significant digits in the entry's k/m/b shorthand (99.5m),
    if that is still on the tick and inside the band; else None."""
    for letter, factor in sorted(SUFFIX.items(), key=lambda kv: -kv[1]):
        if price >= factor:
            scaled = price / factor
            dp = max(0, SHORT_DIGITS - len(str(int(scaled))))
            short = scaled.quantize(Decimal(1).scaleb(-dp), rounding=ROUND_DOWN)
            value = short * factor
            tick = to_decimal(view.tick) or Decimal(1)
            if value % tick == 0 and in_band(view, value):
                return plain(short) + letter
            return None
    return None


def entry_examples(view: ScreenView) -> str:
    """The quick entry's placeholder: three orders it would accept on this symbol now."""
    qty = default_qty(view)
    bid = reference_price(view, "sell")
    if bid is None:
        return f"quick entry: sell {qty} mkt   (Enter sends, Esc leaves)"
    short = shorthand(view, bid)
    third = f" | buy {qty} @ {short} ioc" if short else ""
    return (f"quick entry: buy {qty} @ {price_text(view, bid)} | sell {qty} mkt{third}   "
            f"(Enter sends, Esc leaves)")


def price_text(view: ScreenView, price: Decimal) -> str:
    """A price as typed, at the tick's decimals (3501.20, not 3501.2), no grouping."""
    tick = to_decimal(view.tick) or Decimal(1)
    return format(price.quantize(tick.normalize()) if tick < 1 else price, "f")


def plain(d: Decimal) -> str:
    """Digits as typed: no grouping, no exponent, no trailing zeros."""
    d = d.normalize()
    return format(d.quantize(Decimal(1)) if d == d.to_integral_value() else d, "f")
