"""Landmark painters for the places the reading knows (the Eiffel Tower, the Great Wall, a
panda for Chengdu, …), by region, and the registry that maps a place's motif to its painter."""
