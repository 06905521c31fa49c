"""Settings packages: base (shared), dev (the embedded demo), test, production."""
