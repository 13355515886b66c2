"""aiposture: AI security posture analysis for infrastructure as code.

Keep this module free of imports: `aiposture --version` must not load parsers or checks.
"""

__version__ = "0.1.0"
