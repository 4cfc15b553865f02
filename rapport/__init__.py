"""Rapport: client relationships and getting paid, for freelancers."""

__version__ = "0.1.0"
