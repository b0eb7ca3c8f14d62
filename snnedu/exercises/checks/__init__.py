"""Exercise checks, one module per topic; a module registers its checks on import."""
