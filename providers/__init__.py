"""Model providers behind one narrow interface per step, chosen by `providers.factory`."""
