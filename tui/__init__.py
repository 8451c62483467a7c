"""The Textual workstation (a later issue)."""
