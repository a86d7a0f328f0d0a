"""Small pure text helpers shared by chunking, querying and answering.

Language guessing, sentence splitting, years, the thesis' in-text source
references ("(Goma 2020, 36-37)", "Arif (2016)") and the analyzer every lexical
stage shares (``analyze``: BM25 in the file index and in PostgreSQL, the
question's coverage, the glossary).  This module owns PyStemmer.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any, Iterable, Sequence

_ID_WORDS = set("""
yang dan di ke dari dalam untuk dengan pada ini itu adalah sebagai oleh atau juga tidak akan
tersebut para serta bahwa karena dapat telah sudah belum bagaimana apa apakah siapa kapan mengapa
kenapa berapa dimana mana saja menurut tentang terhadap melalui hal adanya berupa yakni yaitu
agar supaya buat seperti sebuah suatu lebih hingga tahun orang banyak menjadi merupakan antara jelaskan sebutkan
bab sebut tujuan peran penyebab dampak perdagangan manusia kegiatan ada tidaklah pernah bisa
""".split())
_EN_WORDS = set("""
the of and to in is are was were what which who whom when where why how does do did that this
these those for with on by from as at an a be been has have had it its their there about
according thesis author chapter section what's list name give explain describe say says said
role causes cause figures figure many much number year years did role source sources cite cites
""".split())


# Month names in both languages, and a day before one ("18 Desember"): a date without a year.
MONTHS = (r"januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember|january|"
          r"february|march|may|june|july|august|october|december")
DAY_MONTH = re.compile(rf"\b\d{{1,2}}\s+(?:{MONTHS})\b", re.I)
_MONTH_NUMBER = {m: i % 12 + 1 for i, m in enumerate(
    "januari februari maret april mei juni juli agustus september oktober november desember "
    "january february march april may june july august september october november december".split())}
# "Maret 2016", "bulan Desember tahun 2018", "March of 2016", "December, 2018".
_MONTH_YEAR = re.compile(rf"\b({MONTHS})(?:\s+(?:tahun|of)\s+|\s*,\s*|\s+)((?:19|20)\d\d)\b", re.I)


def month_number(word: str) -> int:
    """"Maret" / "march" -> 3; 0 for any other word."""
    return _MONTH_NUMBER.get(word.lower(), 0)


def month_years(text: str) -> dict[tuple[int, int], str]:
    """The months of a year ``text`` names, (month, year) -> the words naming it ("March 2016").
    A lower-case "may" is the verb."""
    out: dict[tuple[int, int], str] = {}
    for m in _MONTH_YEAR.finditer(text):
        if m.group(1) == "may":
            continue
        out.setdefault((month_number(m.group(1)), int(m.group(2))), " ".join(m.group(0).replace(",", " ").split()))
    return out


def roman(n: int) -> str:
    """1 -> "i", 14 -> "xiv" (lower case, as front matter is numbered); up to 89."""
    out = ""
    for value, digits in ((50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + digits, n - value
    return out


_ROMAN_VALUES = {roman(n): n for n in range(1, 90)}


def roman_value(text: str) -> int | None:
    """"iv" / "IV" -> 4; None unless ``text`` is a well-formed numeral up to 89 ("iiii" is not)."""
    return _ROMAN_VALUES.get(text.strip().lower())


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-zA-Z\u00C0-\u024F]+", text.lower())


def latin_share(text: str) -> float:
    """Share of the letters in ``text`` that are Latin script (1.0 when it has none)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 1.0
    return sum(1 for ch in letters if ch.isascii() or "LATIN" in unicodedata.name(ch, "")) / len(letters)


def detect_language(text: str) -> str:
    """'id', 'en' or 'other' from function words; Indonesian wins ties (the thesis' language)."""
    toks = tokens(text)
    if not toks:
        return "other"
    if latin_share(text) < 0.5:
        return "other"
    # Chat spellings count as the Indonesian words they stand for ("dong", "aja", "yg").
    informal = _informal()
    id_score = sum(1 for t in toks if informal.get(t, t) in _ID_WORDS)
    en_score = sum(1 for t in toks if t in _EN_WORDS)
    # Indonesian morphology: me-/ber-/di- prefixes and -kan/-nya suffixes.
    id_score += 0.5 * sum(1 for t in toks if len(t) > 5 and (t.endswith(("kan", "nya", "an")) and
                                                             t.startswith(("me", "ber", "di", "pe", "ter"))))
    if id_score == 0 and en_score == 0:
        # Short questions made of names/acronyms: call it English only when it reads so.
        return "other" if len(toks) > 2 else "id"
    return "en" if en_score > id_score else "id"


def whole_number(number: str) -> re.Pattern[str]:
    """A pattern for ``number`` stated as a whole number: "605", not inside "1605" or "60,5"."""
    return re.compile(rf"(?<![\d.,]){re.escape(number)}(?!\d|[.,]\d)")


def vocabulary(texts: "Iterable[str]", min_len: int = 3) -> list[str]:
    """Distinct lower-cased words of ``texts`` (letters only, at least ``min_len`` long), sorted."""
    words: set[str] = set()
    for t in texts:
        words.update(w for w in re.findall(r"[a-z\u00C0-\u024F]+", t.lower()) if len(w) >= min_len)
    return sorted(words)


_ABBREV = ("n.d.", "No.", "no.", "et al.", "Dr.", "Prof.", "dll.", "dsb.", "dkk.", "Jl.", "St.", "vs.", "e.g.", "i.e.")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in ``text``."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z\"“(‘\-•\d])|\n+", text):
        end = m.start()
        piece = text[start:end]
        before = text[max(0, end - 8):end + 1]
        if any(before.rstrip().endswith(a) for a in _ABBREV):
            continue
        if re.search(r"(?:^|\s)[A-Z]\.$", text[max(0, end - 3):end + 1].rstrip()) and not piece.strip()[:-2].strip():
            continue
        if re.search(r"(?:^|\s)[A-Za-z]\.$", text[start:end + 1].rstrip()) and len(piece.strip()) <= 3:
            continue  # a list marker such as "A." is not a sentence
        if piece.strip():
            spans.append((start, m.end() if text[end:m.end()].strip() else end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    # trim whitespace inside spans
    out = []
    for s, e in spans:
        seg = text[s:e]
        ls = len(seg) - len(seg.lstrip())
        rs = len(seg) - len(seg.rstrip())
        if e - rs > s + ls:
            out.append((s + ls, e - rs))
    return out


# A year written in a text: 1800-2099.  Every year pattern in the project is built on it.
YEAR = r"(?:1[89]|20)\d\d"
# The years a passage speaks of (its metadata, ``Chunk.years``) lie in a narrower window: a
# thesis on 2014-2018 mentions 1945 or 2030, and a "1000" or "1200 korban" is no year.
_Y = r"19[4-9]\d|20[0-4]\d"
_YEAR = re.compile(rf"(?<![\d.,/])({_Y})(?![\d%])")

# A range of years as written in either language: "2014-2018", "2014 hingga 2018", "dari tahun
# 2016 sampai tahun 2017", "from 2014 to 2018", "between 2014 and 2018", "antara tahun 2014 dan
# 2018".  "and"/"dan" make a range only after "between"/"antara": "in 2014 and 2018" names two years.
YEAR_SPAN = re.compile(
    rf"\b(?:between|antara)\s+(?:(?:tahun|the\s+years?)\s+)?({_Y})\s+(?:and|dan|hingga|sampai|to)\s+(?:tahun\s+)?({_Y})(?!\d)"
    rf"|(?<!\d)({_Y})\s*(?:[-–]|s/d|(?:hingga|sampai(?:\s+dengan)?|to|until|through)(?:\s+tahun)?)\s*({_Y})(?!\d)", re.I)


def year_spans(text: str) -> frozenset[tuple[int, int]]:
    """The year ranges ``text`` names (``YEAR_SPAN``) as (first, last)."""
    out = set()
    for m in YEAR_SPAN.finditer(text):
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        lo, hi = int(a), int(b)
        if lo < hi <= lo + 20:
            out.add((lo, hi))
    return frozenset(out)


def years(text: str) -> tuple[int, ...]:
    found = {int(y) for y in _YEAR.findall(text)}
    for lo, hi in year_spans(text):
        found.update(range(lo, hi + 1))
    return tuple(sorted(found))


# A regulation's identifier, its number and year: "UU Nomor 21 Tahun 2007", "Law No. 21 of 2007",
# "Perda No 7/2016", "PP 2/2018".
_REGULATION_ID = re.compile(
    rf"\b(?:nomor|nomer|no|number|num)\.?\s*(\d{{1,4}})\s*(?:tahun|thn|of|year|/)\.?\s*({_Y})(?!\d)"
    rf"|\b(?:uu|perda|pp|perpres|inpres|keppres|perme\w*|kepme\w*)\s+(\d{{1,4}})\s*/\s*({_Y})(?!\d)", re.I)


def without_regulation_ids(text: str) -> str:
    """``text`` without the regulation identifiers it names (their years are part of a name)."""
    return _REGULATION_ID.sub(" ", text)


def regulation_ids(text: str) -> dict[tuple[int, int], str]:
    """The regulation identifiers ``text`` names, (number, year) -> the words naming it."""
    out: dict[tuple[int, int], str] = {}
    for m in _REGULATION_ID.finditer(text):
        n, y = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        out.setdefault((int(n), int(y)), " ".join(m.group(0).split()))
    return out


# An article of a law: "Pasal 3", "pasal (2)", "Pasal ke-3", "Article 3", "Art. 3".
_ARTICLE = re.compile(r"\b(?:pasal|article|art\.)\s*(?:ke-?\s*)?\(?\s*(\d{1,4})\s*\)?(?![\d/])", re.I)


def article_refs(text: str) -> dict[int, str]:
    """The articles of a law ``text`` names, number -> the words naming it ("Pasal 3")."""
    out: dict[int, str] = {}
    for m in _ARTICLE.finditer(text):
        out.setdefault(int(m.group(1)), " ".join(m.group(0).split()))
    return out


# --- in-text source references -------------------------------------------------

@dataclass(frozen=True)
class Ref:
    authors: str  # as written, with "dan" normalised to "and"
    year: str  # "2020", "2017a" or "n.d."
    pages: str  # "36-37", "" when none
    narrative: bool  # "Arif (2016)" rather than "(Arif 2016)"
    start: int
    end: int

    @property
    def key(self) -> str:
        base = f"{self.authors} {self.year}"
        return f"{base}, {self.pages}" if self.pages else base


_NAME = r"[A-Z][\w'’.\-]*"
_NAME_SEQ = rf"{_NAME}(?:\s+(?:{_NAME}|of|for|and|dan|&|de|van|der|on)){{0,9}}"
_AUTHORS = rf"{_NAME_SEQ}(?:\s*,\s*{_NAME_SEQ})*(?:,?\s+(?:and|dan|&)\s+{_NAME_SEQ})?(?:\s+et\s+al\.?)?"
_YEAR_PART = rf"(?P<year>{YEAR}[a-z]?|n\.\s?d\.?)"
_PAGES = r"(?:,\s*(?:hlm\.?|p\.|pp\.|hal\.?)?\s*(?P<pages>\d+(?:\s*[-–]\s*\d+)?))?"
_PAREN_ITEM = re.compile(rf"^\s*(?P<authors>{_AUTHORS})\s*,?\s+{_YEAR_PART}{_PAGES}\s*$")
_NARRATIVE = re.compile(rf"(?P<authors>{_AUTHORS})\s+\({_YEAR_PART}{_PAGES}\)")
_STOP_AUTHOR_WORDS = {"tahun", "nomor", "no", "pasal", "uu", "undang", "perda", "pada", "sejak", "bulan", "tanggal"}


def _clean_authors(a: str) -> str | None:
    a = re.sub(r"\s+", " ", a).strip(" ,")
    a = re.sub(r",?\s+dan\s+", " and ", a)
    a = re.sub(r",\s+and\s+", " and ", a)
    words = a.replace(",", " ").split()
    if not words or any(w.isdigit() for w in words):
        return None
    if words[0].lower() in _STOP_AUTHOR_WORDS or any(w.lower() in {"tahun", "nomor", "pasal"} for w in words):
        return None
    return a


_LEAD_WORDS = {"menurut", "dalam", "seperti", "oleh", "pada", "hal", "sedangkan", "according", "as", "by",
               "kemudian", "lebih", "selain", "namun", "bahkan", "sementara", "adapun", "also", "in", "then",
               "jika", "melalui", "berdasarkan", "sebagaimana", "dari", "menurutnya", "penelitian", "buku",
               "jurnal", "artikel", "tulisan", "karya", "studi", "the", "thus", "however", "lalu", "juga"}


def _trim_narrative(authors: str) -> str:
    """Drop sentence words captured before a narrative citation ("Menurut Arif" -> "Arif")."""
    words = authors.split()
    while len(words) > 1 and words[0].strip(",").lower() in _LEAD_WORDS:
        words = words[1:]
    a = " ".join(words)
    if "," not in a and " and " not in a and " dan " not in a and " of " not in a and " for " not in a:
        a = words[-1]
    return a


def find_refs(text: str) -> list[Ref]:
    """All in-text references, in order of appearance."""
    out: list[Ref] = []
    taken: list[tuple[int, int]] = []
    for m in re.finditer(r"\(([^()]{3,200})\)", text):
        inner = m.group(1)
        pos = m.start(1)
        for part in re.split(r";", inner):
            pm = _PAREN_ITEM.match(part)
            if pm:
                authors = _clean_authors(pm.group("authors"))
                if authors:
                    year = pm.group("year").replace(" ", "")
                    if year.startswith("n"):
                        year = "n.d."
                    pages = re.sub(r"\s*[-–]\s*", "-", pm.group("pages") or "")
                    out.append(Ref(authors, year, pages, False, m.start(), m.end()))
                    taken.append((m.start(), m.end()))
            pos += len(part) + 1
    for m in _NARRATIVE.finditer(text):
        if any(s <= m.start("year") < e for s, e in taken):
            continue
        authors = m.group("authors")
        # Narrative authors are the trailing capitalised words before "(year)".
        authors = _clean_authors(_trim_narrative(authors))
        if not authors:
            continue
        year = m.group("year").replace(" ", "")
        if year.startswith("n"):
            year = "n.d."
        pages = re.sub(r"\s*[-–]\s*", "-", m.group("pages") or "")
        out.append(Ref(authors, year, pages, True, m.start("authors"), m.end()))
    out.sort(key=lambda r: r.start)
    return out


# --- which reference backs a sentence (one rule, for answers and for the Sources page) -------

MAX_CLAIM_BACK = 3  # sentences before a parenthetical reference that it may still support


@dataclass(frozen=True)
class RefSentence:
    """A sentence of a chunk with the in-text references it holds."""

    chunk: Any  # a types.Chunk
    start: int
    end: int
    refs: tuple[Ref, ...]

    @property
    def text(self) -> str:
        return self.chunk.text[self.start:self.end]


def sentence_runs(chunks: Sequence[Any]) -> list[list[RefSentence]]:
    """The chunks' sentences with their references, grouped by section in reading order (a
    table is a run of its own): a reference backs sentences only within its run."""
    runs: list[list[RefSentence]] = []
    prev: tuple | None = None
    for c in chunks:
        key = (c.doc, c.chapter, c.section, c.id if c.kind == "table" else -1)
        if key != prev:
            runs.append([])
            prev = key
        refs = find_refs(c.text)
        for s, e in split_sentences(c.text):
            runs[-1].append(RefSentence(c, s, e, tuple(r for r in refs if s <= r.start < e)))
    return [r for r in runs if r]


def claim_start(run: Sequence[RefSentence], i: int, ref: Ref) -> int:
    """The first sentence of ``run`` that the reference ``ref`` in sentence ``i`` backs: a
    parenthetical reference at a sentence end ("... (Goma 2020, 36-37).") backs up to
    ``MAX_CLAIM_BACK`` sentences before it, back to the previous reference; a narrative one
    ("Arif (2016) menyatakan ...") backs only its own sentence."""
    first = i
    if not ref.narrative:
        while first > 0 and i - first < MAX_CLAIM_BACK and not run[first - 1].refs:
            first -= 1
    return first


def backing_refs(chunks: Sequence[Any]) -> dict[tuple[int, int], tuple[str, ...]]:
    """(chunk id, sentence start) -> the references ("Goma 2020, 36-37") backing that sentence."""
    out: dict[tuple[int, int], list[str]] = {}
    for run in sentence_runs(chunks):
        for i, sent in enumerate(run):
            for ref in sent.refs:
                for x in run[claim_start(run, i, ref):i + 1]:
                    keys = out.setdefault((x.chunk.id, x.start), [])
                    if ref.key not in keys:
                        keys.append(ref.key)
    return {k: tuple(v) for k, v in out.items()}


def refs_at(table: dict[tuple[int, int], tuple[str, ...]], chunk: Any, pos: int) -> tuple[str, ...]:
    """The references backing the sentence of ``chunk`` that holds offset ``pos``."""
    for s, e in split_sentences(chunk.text):
        if s <= pos < e:
            return table.get((chunk.id, s), ())
    return ()


def ref_keys(text: str) -> tuple[str, ...]:
    seen: list[str] = []
    for r in find_refs(text):
        if r.key not in seen:
            seen.append(r.key)
    return tuple(seen)


def normalize_for_match(text: str) -> str:
    """Case-folded, whitespace-collapsed, hyphenation-insensitive text for quote matching."""
    t = text.lower()
    t = t.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'").replace("–", "-")
    t = re.sub(r"(\w)-\s+(\w)", r"\1\2", t)
    t = t.replace("-", "")
    t = re.sub(r"\s+", " ", t).strip()
    return t


# --- the analyzer: tokens, stop words, stems -------------------------------------

_STEMMERS: dict[str, Any] = {}
_STEM_LOCK = threading.Lock()


# Bump when analyze() changes: the BM25 index must then be rebuilt.
ANALYZER_VERSION = 4  # 3: chat spellings read as standard Indonesian (data/informal_id.tsv);
# 4: Indonesian roots by Sastrawi's dictionary, Snowball for words it has no root for


def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS as STOPWORDS_EN

    text = resources.files("nttqa.data").joinpath("stopwords_id.txt").read_text(encoding="utf-8")
    ids = {ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")}
    return frozenset(ids | set(STOPWORDS_EN))


_STOP: frozenset[str] | None = None
@functools.lru_cache(maxsize=1)
def _informal() -> dict[str, str]:
    text = resources.files("nttqa.data").joinpath("informal_id.tsv").read_text(encoding="utf-8")
    pairs = (ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))
    return {k.strip(): v.strip() for k, v in pairs if k.strip() != v.strip()}


_WORD = re.compile(r"[^\W_]+(?:[.,][0-9]+)*%?")


def _stem(words: list[str]) -> list[str]:
    # Indonesian then English: "penelitian", "diteliti" -> "teliti"; "victims" -> "victim".
    # Indonesian first by Sastrawi's dictionary of root words (Nazief-Adriani), which undoes
    # the prefix sound changes Snowball leaves ("penelitian" -> "eliti" but "diteliti" ->
    # "teliti" there) and short roots ("disahkan" -> "sah"); a word it knows no root for (a
    # name, a loan word, an English word) goes to Snowball's Indonesian rules as before.
    # PyStemmer objects are not thread-safe, so one pair per thread.
    key = f"stem-{threading.get_ident()}"
    pair = _STEMMERS.get(key)
    if pair is None:
        import Stemmer

        with _STEM_LOCK:
            pair = _STEMMERS[key] = (Stemmer.Stemmer("indonesian"), Stemmer.Stemmer("english"))
    ind, eng = pair
    out = [_root(w) for w in words]
    rest = [i for i, r in enumerate(out) if not r]
    for i, r in zip(rest, ind.stemWords([words[i] for i in rest])):
        out[i] = r
    return eng.stemWords(out)


@functools.lru_cache(maxsize=1)
def _sastrawi() -> Any:
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    # The plain stemmer: the factory's own wraps it in a cache without a bound.
    return Stemmer(ArrayDictionary(StemmerFactory().get_words()))


@functools.lru_cache(maxsize=100_000)
def _root(word: str) -> str:
    """Sastrawi's root of one lower-case word, "" when its dictionary has none for it or the word is
    far more common in English ("sees" is no "se-" + "es"). Numbers and words with digits stay
    as they are."""
    if not word.isalpha():
        return word
    from wordfreq import zipf_frequency

    if zipf_frequency(word, "en") >= zipf_frequency(word, "id") + 1:
        return ""
    stemmer = _sastrawi()
    root = stemmer.stem_word(word)
    # A root outside its dictionary is a failed parse ("melambangkan" -> "melambang").
    return root if stemmer.get_dictionary().contains(root) else ""


def standard(word: str) -> str:
    """The standard spelling of a lower-case chat word ("dipake" -> "dipakai"), else the word."""
    return _informal().get(word, word)


def analyze(text: str) -> list[str]:
    """Lower-case words (acronyms, numbers and years kept), stop words dropped, stemmed."""
    global _STOP
    if _STOP is None:
        _STOP = _stopwords()
    informal = _informal()
    # Letters of any alphabet (a Latin-1 "Peñalosa" stays one word), digits, decimals; chat
    # spellings read as the standard word ("nanganin" as "menangani", "gak" as "tidak").
    words = [informal.get(w, w) for w in _WORD.findall(unicodedata.normalize("NFC", text).lower())]
    words = [w for w in words if w not in _STOP and (len(w) > 1 or w.isdigit())]
    return _stem(words)


# --- English words as Indonesian borrows them ----------------------------------------

# English endings and the Indonesian spelling of the borrowed word's ending; one English
# ending may have two ("psychological" -> "psikologis", "political" -> "politik").
_LOAN_ENDINGS: tuple[tuple[str, str], ...] = (
    ("ization", "isasi"), ("isation", "isasi"), ("ction", "ksi"), ("ption", "psi"), ("tion", "si"),
    ("sion", "si"), ("tional", "sional"), ("ity", "itas"), ("ive", "if"), ("ical", "is"), ("ical", "ik"),
    ("ics", "ik"), ("ic", "ik"), ("ic", "is"), ("ism", "isme"), ("ist", "is"), ("ance", "ansi"),
    ("ence", "ensi"), ("ancy", "ansi"), ("ency", "ensi"), ("ince", "insi"), ("ant", "an"), ("ent", "en"),
    ("ure", "ur"), ("ary", "er"), ("y", "i"), ("e", ""),
)
_LOAN_LETTERS = (("sch", "sk"), ("ph", "f"), ("th", "t"), ("ch", "k"), ("ck", "k"), ("x", "ks"), ("qu", "kw"),
                 ("q", "k"))
# Regular spellings that make another Indonesian word: "policy" is "kebijakan", "polisi" the police.
_FALSE_FRIENDS = frozenset({("policy", "polisi")})


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def loan_letters(word: str) -> str:
    """An English word's letters as Indonesian spells a borrowed word ("psychology" ->
    "psikologi", "commission" -> "komision")."""
    word = word.lower()
    for a, b in _LOAN_LETTERS:
        word = word.replace(a, b)
    word = re.sub(r"c(?=[eiy])", "s", word).replace("c", "k").replace("y", "i")
    return re.sub(r"([b-df-hj-np-tv-z])\1", r"\1", word)  # one consonant for two: "komission" -> "komision"


def loan_spellings(word: str) -> tuple[str, ...]:
    """How Indonesian would spell an English word it has borrowed, by the regular rules of
    its spelling ("organizations" -> "organisasi", "responsive" -> "responsif", "psychology"
    -> "psikologi"). Candidates only: the caller keeps those its text really uses."""
    w = _singular(word.lower())
    if not re.fullmatch(r"[a-z]{4,}", w):
        return ()
    out = [loan_letters(w[: len(w) - len(end)] + ind) for end, ind in _LOAN_ENDINGS
           if w.endswith(end) and len(w) - len(end) >= 2]
    out.append(loan_letters(w))
    # Under five letters a spelling is as likely another word or a name ("city" -> "siti").
    return tuple(x for x in dict.fromkeys(out) if x != w and len(x) >= 5 and (w, x) not in _FALSE_FRIENDS)


def sentence_initial(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence of ``text`` (markup aside): its capital
    says nothing about it being a name ("<b>Apa ...", "... perempuan? Siapa ...")."""
    before = re.sub(r"<[^>]*>", " ", text[:start])
    return re.search(r"(?:^|[.?!:;]\s)\W*$", before) is not None
