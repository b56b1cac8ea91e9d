"""What a download button serves, read as a click would: the app's media storage and file
manager kept from an AppTest run, and a deferred download (bytes written on click) run."""

from __future__ import annotations

import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage


class KeptStorage(MemoryMediaFileStorage):
    """The app's in-memory media storage, kept so a test can read what a download serves."""

    instances: list[MemoryMediaFileStorage] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        KeptStorage.instances.append(self)


class KeptManager(MediaFileManager):
    instances: list[MediaFileManager] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        KeptManager.instances.append(self)


def keep(monkeypatch) -> None:
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", KeptStorage)
    monkeypatch.setattr(app_test_module, "MediaFileManager", KeptManager)


def served(button) -> tuple[str, bytes] | None:
    """(file name, bytes) of a download button of the last run, its deferred writer run as
    a click runs it; None for a file made by a slow command of its own (a bilan PDF)."""
    manager, storage = KeptManager.instances[-1], KeptStorage.instances[-1]
    url = button.proto.url
    if not url:
        deferred = manager._deferred_callables.get(button.proto.deferred_file_id, {})
        if str(deferred.get("file_name", "")).endswith(".pdf"):
            return None
        url = manager.execute_deferred(button.proto.deferred_file_id)
    stored = storage.get_file(url.rsplit("/", 1)[1].split("?")[0])
    return stored.filename, stored.content
