"""TrustMatch: helps a school in England find a multi-academy trust that fits it."""

__version__ = "0.1.0"
