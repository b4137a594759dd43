"""Output formats, one module each; every one consumes ``Finding``."""
