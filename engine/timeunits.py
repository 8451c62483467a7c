"""Time units. Every time in souq is an integer count of nanoseconds (journal ts, market
data, the desk's and the simulator's clocks); these name the common spans of it."""
MICROSECOND = 1_000
MILLISECOND = 1_000_000
SECOND = 1_000_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
