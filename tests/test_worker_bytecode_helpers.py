"""The sandbox re-imports the workflow's helper modules per run too; their bytecode is cached."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import worker
import workflows.progress
from workflows.postcard import PostcardWorkflow


def test_the_workflow_packages_helper_modules_get_their_bytecode_cached() -> None:
    source = Path(workflows.progress.__file__)
    cached = Path(importlib.util.cache_from_source(str(source)))
    cached.unlink(missing_ok=True)

    written = worker.cache_workflow_bytecode(PostcardWorkflow)

    assert source in written and cached.is_file()
    assert all(path.parts[-2] == "workflows" for path in written if path.name != "__init__.py")
