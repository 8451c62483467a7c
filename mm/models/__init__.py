"""Closed-form market-making models: pure maths on floats or numpy arrays, no engine units.

Strategies feed them prices as floats (the live templates use fractions of the mid) and snap
what comes back onto the symbol's grid; the Monte Carlo experiment feeds them whole arrays.
"""
