"""Mechanics shared by every Vigil service: settings, events, bus, consume loop, DB, logging.

Business rules never live here.
"""
