"""Colour themes for the workstation (a later issue)."""
