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


class DatabaseUnavailableError(NttqaError):
    """The PostgreSQL server named by NTTQA_DATABASE_URL cannot be reached or used."""

    def __init__(self, where: str, problem: str, fix: str) -> None:
        self.where = where
        super().__init__(f"The database {where + ' ' if where else ''}cannot be used ({problem}). {fix}")


class DatabaseSchemaError(NttqaError):
    """The database has no nttqa tables, an older schema, or tables nttqa did not make."""

    def __init__(self, where: str, problem: str, foreign: bool = False, newer: bool = False,
                 dim: int | None = None) -> None:
        self.where = where
        self.problem = problem
        if foreign:
            fix = "Point NTTQA_DATABASE_URL at a database (or schema) of its own for nttqa."
        elif newer:
            fix = "Upgrade nttqa to the version that wrote it."
        elif dim:
            fix = (f"Use a fresh database and run `nttqa db migrate --dim {dim} --database-url {where}` "
                   "there, or build with the embedder the database was made for.")
        else:
            fix = f"Run `nttqa db migrate --database-url {where}` to create or update the schema."
        super().__init__(f"The database {where} does not hold a usable nttqa schema ({problem}). {fix}")


class StaleDatabaseError(NttqaError):
    """The index in the database was built from another corpus, settings or embedder."""

    def __init__(self, where: str, reasons: list[str]) -> None:
        self.where = where
        self.reasons = reasons
        super().__init__(f"The index in the database {where} is out of date ({'; '.join(reasons)}). "
                         f"Run `nttqa build --database-url {where}` to update it (only changed theses are re-embedded).")


class DatabaseEmptyError(NttqaError):
    def __init__(self, where: str) -> None:
        self.where = where
        super().__init__(f"The database {where} holds no theses yet. Run `nttqa build --database-url {where}` "
                         "(or `nttqa db import` to copy the file index) to fill it.")
