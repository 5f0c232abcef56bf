"""Hidden checks: instructor-only, never shipped in a student release."""
