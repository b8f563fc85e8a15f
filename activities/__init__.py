"""Temporal activities: the four postcard steps and the outcome recorder."""

from activities.postcard import PostcardActivities

__all__ = ["PostcardActivities"]
