"""Market surveillance: detectors of market abuse, money-laundering patterns and
unauthorised access over the journal, with alerts that carry their evidence.

One module per detector (wash, circular, spoofing, rapid_fire, abnormal, laundering,
access); `monitor.Surveillance` runs them all over journal entries; `follower` reads the
journal online (resuming where it stopped) or offline (`scan`) through the same path."""
from .alert import Alert
from .monitor import DETECTORS, RULES, Surveillance, detector_class

__all__ = ["Alert", "DETECTORS", "RULES", "Surveillance", "detector_class"]
