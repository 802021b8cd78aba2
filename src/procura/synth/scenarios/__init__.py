"""Planted scenarios: for each model, true violations and near-misses beside them."""
