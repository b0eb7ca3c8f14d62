"""Networks built from the models: train and evaluate functions."""
