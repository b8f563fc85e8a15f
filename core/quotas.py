"""Provider quotas as Temporal task queues: one queue per rate-limited provider.

A provider with GEMINI_RPM or ANTHROPIC_RPM set gets its own activity task queue
(`<TEMPORAL_TASK_QUEUE>-gemini`, `…-anthropic`), and every worker polling it declares
`max_task_queue_activities_per_second` from the RPM (`queue_rate`). Temporal's matching
service enforces that rate for the whole queue, so it holds however many worker processes poll
it. A step waiting for its turn is a scheduled activity that has not started: not an error,
not a retry, shown as `queued`; only the run's overall deadline (AI_WORKFLOW_TIMEOUT) bounds
the wait.
"""

from __future__ import annotations

from typing import Literal

from core.models import StepPolicy, WorkflowOptions
from core.settings import Settings

Role = Literal["text", "image", "code"]
# Temporal's default partitions per task queue (matching.numTaskqueueReadPartitions); see
# queue_rate. Quotas below this many calls a minute cannot be held exactly.
TASK_QUEUE_PARTITIONS = 4
STEP_ROLES: dict[str, Role] = {
    "concept": "text",
    "content": "text",
    "image": "image",
    "frontend": "code",
}


def provider_rpm(settings: Settings, provider: str) -> float | None:
    """The calls-a-minute quota of a provider, None when it has none."""
    return {"gemini": settings.gemini_rpm, "anthropic": settings.anthropic_rpm}.get(provider)


def quota_queue(task_queue: str, provider: str) -> str:
    """The task queue of a rate-limited provider's activities."""
    return f"{task_queue}-{provider}"


def step_queues(settings: Settings, task_queue: str | None = None) -> dict[str, str]:
    """Step → its provider's quota queue, for the steps whose provider has a quota."""
    base = task_queue or settings.temporal_task_queue
    routed = {}
    for step, role in STEP_ROLES.items():
        provider = settings.provider_for(role)
        if provider_rpm(settings, provider):
            routed[step] = quota_queue(base, provider)
    return routed


def queue_rates(settings: Settings, task_queue: str | None = None) -> dict[str, float]:
    """Quota queue → activities a second, for every provider some step uses under a quota."""
    base = task_queue or settings.temporal_task_queue
    rates = {}
    for role in set(STEP_ROLES.values()):
        provider = settings.provider_for(role)
        rpm = provider_rpm(settings, provider)
        if rpm:
            rates[quota_queue(base, provider)] = queue_rate(rpm)
    return rates


def queue_rate(rpm: float) -> float:
    """The queue's activities a second for a quota of `rpm` calls in any 60 s window.

    Temporal splits a task queue into TASK_QUEUE_PARTITIONS partitions, each dispatching at
    rate / partitions from its own bucket: calls arrive in groups of one per partition, and an
    idle queue lets a first group of partitions + 1 through at once. So a 60 s window can hold
    partitions + 1 calls more than RPM / 60 alone would allow; the rate keeps them in hand.
    """
    return max(rpm - TASK_QUEUE_PARTITIONS - 1, rpm / 2) / 60.0


def route_steps(
    options: WorkflowOptions, settings: Settings, task_queue: str | None = None
) -> WorkflowOptions:
    """Point each quota-bound step of the run at its provider's queue (in place, returned)."""
    for step, queue in step_queues(settings, task_queue).items():
        policy: StepPolicy = getattr(options, step)
        policy.task_queue = queue
    return options
