"""Domain errors. Every message says what went wrong *and* what to do about it."""

from __future__ import annotations


class NttqaError(Exception):
    """Base class: the CLI and the app show ``str(err)`` to the user as is."""


class CorpusError(NttqaError):
    """A corpus file cannot be read or has no usable text."""

    def __init__(self, path: str, problem: str, fix: str) -> None:
        self.path = path
        self.problem = problem
        self.fix = fix
        super().__init__(f"{path}: {problem}. {fix}")


class IndexMissingError(NttqaError):
    def __init__(self, index_dir: str) -> None:
        self.index_dir = index_dir
        super().__init__(
            f"No index found in {index_dir}. Run `nttqa build --index {index_dir}` to build it."
        )


class StaleIndexError(NttqaError):
    """The index on disk was built from another corpus, settings or embedder."""

    def __init__(self, index_dir: str, reasons: list[str]) -> None:
        self.index_dir = index_dir
        self.reasons = reasons
        why = "; ".join(reasons)
        super().__init__(
            f"The index in {index_dir} is out of date ({why}). "
            f"Run `nttqa build --index {index_dir}` to rebuild it."
        )


class CorruptIndexError(NttqaError):
    """An index file is damaged: truncated, edited, or unreadable."""

    def __init__(self, index_dir: str, detail: str) -> None:
        self.index_dir = index_dir
        self.detail = detail
        super().__init__(
            f"The index in {index_dir} is damaged ({detail}). "
            f"Run `nttqa build --index {index_dir}` to rebuild it; the corpus is untouched."
        )


class IndexBusyError(NttqaError):
    def __init__(self, index_dir: str) -> None:
        super().__init__(
            f"Another build of {index_dir} is running. Wait for it to finish and try again."
        )


class EmbedderError(NttqaError):
    """The requested embedding model cannot be loaded."""


class QuestionError(NttqaError):
    """The question cannot be answered as asked (empty, too long, ...)."""


class ConfigError(NttqaError):
    """A setting has a value nttqa cannot use."""
