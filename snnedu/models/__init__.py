"""Models: pure functions, numbers in and arrays out (no plotting, printing or widgets)."""
