"""Zaixian (在线): an open-source municipal e-government platform."""

__version__ = "0.1.0"
