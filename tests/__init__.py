"""WRM tests."""
