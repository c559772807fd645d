"""Importing phone lists: reading files people send, then storing what they hold."""
