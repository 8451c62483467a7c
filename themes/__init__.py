"""The workstation's themes: data, not code. Bid and ask colours come from the Okabe-Ito
palette (blue against orange), so they differ for colour-blind users in every theme; the
chart's up and down candles and volume bars use the same pair."""
from textual.theme import Theme

DEFAULT = "souq-dark"

VARIABLE_DEFAULTS = {
    "bid": "#56B4E9", "ask": "#E69F00", "own-order": "#F0E442", "profit": "#56B4E9",
    "loss": "#E69F00", "alert-info": "#56B4E9", "alert-warning": "#E69F00",
    "alert-critical": "#D55E00", "up": "#56B4E9", "down": "#E69F00",
}

THEMES = {
    "souq-dark": Theme(
        name="souq-dark", dark=True, primary="#56B4E9", secondary="#009E73",
        accent="#F0E442", warning="#E69F00", error="#D55E00", success="#009E73",
        background="#10141a", surface="#161c24", panel="#1e2630", foreground="#d8dee9",
        variables=dict(VARIABLE_DEFAULTS),
    ),
    "souq-light": Theme(
        name="souq-light", dark=False, primary="#0072B2", secondary="#009E73",
        accent="#CC79A7", warning="#B35C00", error="#B23A00", success="#00734F",
        background="#f7f7f5", surface="#ffffff", panel="#e8e8e4", foreground="#1b1f24",
        variables={**VARIABLE_DEFAULTS, "bid": "#0072B2", "ask": "#B35C00",
                   "own-order": "#CC79A7", "profit": "#0072B2", "loss": "#B35C00",
                   "alert-info": "#0072B2", "alert-warning": "#B35C00",
                   "alert-critical": "#B23A00", "up": "#0072B2", "down": "#B35C00"},
    ),
    "souq-contrast": Theme(
        name="souq-contrast", dark=True, primary="#00BFFF", secondary="#FFFFFF",
        accent="#FFFF00", warning="#FFB000", error="#FF5F00", success="#00FFAA",
        background="#000000", surface="#000000", panel="#202020", foreground="#FFFFFF",
        variables={**VARIABLE_DEFAULTS, "bid": "#00BFFF", "ask": "#FFB000",
                   "own-order": "#FFFF00", "alert-critical": "#FF5F00", "up": "#00BFFF",
                   "down": "#FFB000"},
    ),
}

