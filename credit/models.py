"""Models of the credit app (built by later issues)."""
