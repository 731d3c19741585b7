"""Models of the enforcement app (built by later issues)."""
