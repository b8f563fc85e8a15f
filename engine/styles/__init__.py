"""The art styles the illustration can be finished in, and the marks each leaves (paper
grain, brush edges, pixel grids): what makes a watercolour look like one."""
