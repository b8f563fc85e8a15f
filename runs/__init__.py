"""The record of every postcard run, and its one owner.

A postcard has runs: revision 1, and one more per regenerate. `runs.store` is the only module
that writes them (a step started, its progress, it finished, the run failed), `runs.reads`
answers every read, `runs.settler` records the ends that Temporal decided (terminate, timeout,
a run Temporal lost), `runs.events` tells live readers that a record changed, and
`runs.launch` starts a run's workflow. Reads never write and never call Temporal.
"""
