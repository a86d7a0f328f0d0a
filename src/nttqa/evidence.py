"""What each sentence of the corpus states, computed once per loaded index.

The answerer asks of a sentence what a question type needs: a quantity (and in
the measure asked for: a share for "what percentage", money for "budget"), a
date other than the asked one for "when", a person's name for "who", a
defining phrase for "what is", a source reference for "which source".  It asks
of the corpus which years its running text names (citation years "(Goma 2020,
36)" are not events) and whether a word occurs in it in any spelling
("organization" meets "organisasi" on a shared spelling key).

Pure functions over text, and ``SentenceFacts``: the facts of every sentence
of one ``StoredCorpus``, held in plain lists indexed by sentence row.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

from nttqa.query import ABOUT_SECTIONS, QueryInfo, answers_about, chapter_names
from nttqa.textutil import (DAY_MONTH, MONTHS, YEAR, YEAR_SPAN, Ref, analyze, article_refs, backing_refs, find_refs,
                            loan_letters, month_number, regulation_ids, split_sentences, sentence_initial, standard,
                            whole_number, without_regulation_ids, year_spans)

_NUMBER_WORDS = (r"satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|\w+ belas|\w+ puluh|"
                 r"seratus|ratusan|ribuan|puluhan|jutaan|setengah|separuh|one|two|three|four|five|six|seven|eight|"
                 r"nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|half|dozens?")
# A quantity: a number with a unit or a count noun, a number written in words before a
# counted noun or a magnitude, money ("Rp 5 juta", "US$50 million", "50 juta dolar"), a share.
_QUANTITY = re.compile(
    r"(?<![\w./])(?!(?:19|20)\d\d(?!\d|[.,]\d))\d+(?:[.,]\d+)*\s*(?:%|persen|per\s?cent|orang|ribu|juta|miliar|triliun|"
    r"jiwa|kasus|rupiah|dolar|dollars?|million|billion|thousand|tahun\b|bulan\b|negara|korban|petugas|aparat|"
    r"anak|perempuan|remaja|keluarga|people|victims|cases|children|women|families|kabupaten|provinsi|desa|pos\b|"
    r"kantor|unit|kali\b|peserta|lembaga|aktor|organisasi|LSM|staf|pegawai|anggota|participants|actors|"
    r"organi[sz]ations|institutions|NGOs|staff|members|"
    # "80 lebih": more than 80 (of what the sentence goes on to name).
    r"lebih\b)|"
    r"(?:Rp\.?|US\$|USD|\$|AUD|A\$)\s*\d+(?:[.,]\d+)*|"
    rf"\b(?:{_NUMBER_WORDS})\s+(?:ribu|juta|miliar|orang|kasus|korban|negara|jiwa|persen|anak|perempuan|remaja|"
    r"keluarga|people|victims|cases|countries|children|women|families|percent|thousand|million|billion|kabupaten|"
    r"provinsi|tahun|bulan|years|months|kali|times)\b", re.I)
_SHARE = re.compile(r"%|persen|per\s?cent", re.I)
_DURATION = re.compile(r"\b(?:tahun|bulan|minggu|hari|years?|months?|weeks?|days?)$", re.I)
_MONEY = re.compile(r"Rp|US\$|USD|\$|AUD|rupiah|dolar|dollar", re.I)
WHEN = re.compile(r"\b(?:when|what year|which year|since when|kapan|tahun berapa|sejak kapan)\b", re.I)
# A sentence saying what something is in words ("X adalah ...", "... dijelaskan sebagai ..."); or
# spelling out an acronym ("Regional Cooperation Model (RCM)"), which defines the acronym only.
_DEFINES_WORDS = re.compile(
    r"\b(?:adalah|merupakan|yaitu|yakni|ialah|diartikan|didefinisikan|dimaksud dengan|diartikan sebagai|"
    r"(?:diterangkan|dijelaskan|dipahami|dimaknai|digambarkan|dikenal) sebagai|"
    r"disebut (?:dengan|sebagai)|pengertian|definisi|is defined|refers? to|means|is the)\b|:\s*$")
_DEFINES = re.compile(rf"{_DEFINES_WORDS.pattern}|\(\s*[A-Z][A-Z0-9-]{{1,}}\s*\)")
_DATE = re.compile(rf"(?<!\d){YEAR}(?!\d)|{DAY_MONTH.pattern}|\b(?:{MONTHS})\s+{YEAR}", re.I)
_YEAR = re.compile(rf"(?<!\d)({YEAR})(?!\d)")
# A year standing alone: not one end of a range "2014-2018", not part of "21/2007".
_LONE_YEAR = re.compile(rf"(?<![\d\-–/])({YEAR})(?![\d\-–])")
# A contact detail as written: a phone number (+62 or a leading 0 and its groups of digits), an
# e-mail, a web address, or a street address ("Jl. El Tari No. 5", "Jalan Soekarno").
_CONTACT = re.compile(r"(?:\+62|\b0\d{2,3})[\s-]?\d{3,4}[\s-]?\d{3,5}\b|[\w.+-]+@[\w-]+\.[\w.]+|"
                      r"\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:org|com|net|int|go\.id|or\.id|ac\.id)\b|"
                      r"\b(?:Jl|Jln)\.\s*[A-Z]|\bJalan\s+[A-Z][a-z]+\s+(?:No\.?\s*)?\d|"
                      r"\b\d+\s+[A-Z][a-z]+\s+(?:Street|Road|Avenue)\b")
# Someone's words reported: a verb of saying with a speaker ("X menyatakan bahwa", "X said"),
# a speech.  Not "dapat dikatakan" ("it can be said"), the writer's own hedge.
_SAYS = re.compile(r"\b(?:mengatakan|menyatakan|menyampaikan|mengungkapkan|menegaskan|menuturkan|berpendapat|"
                   r"mengucapkan|mengumumkan|menjanjikan|berpidato|pidato\w*|sambutan\w*|ujar\w*|tutur\w*|"
                   r"said|says|stated|states|declared|announced|stressed|told)\b", re.I)
# That something ended: "dibubarkan", "dicabut", "berakhir", "until 2018", "hingga tahun 2018".
_ENDS = re.compile(
    r"\b(?:berakhir|diakhiri|mengakhiri|selesai|diselesaikan|dihentikan|menghentikan|berhenti|ditutup|menutup|"
    r"dibubarkan|membubarkan|bubar|dicabut|mencabut|ended|ends|finished|stopped|closed|dissolved|disbanded|lifted|"
    r"abolished|revoked|expired|terminated)\b|"
    r"\b(?:hingga|sampai|until|till)(?: dengan| akhir| the end of)?(?: tahun| bulan \w+)? (?:19|20)\d\d\b", re.I)
# Who paid: "didanai oleh", "dukungan oleh Kedutaan Besar ...", "funded by", "with support from".
# Not a fund's name ("program Dana Bantuan Korban") nor a budget alone.
_FUNDS = re.compile(r"\b(?:didanai|mendanai|dibiayai|membiayai|disponsori|mensponsori|pendanaan|penyandang dana|donor\w*|"
                    r"(?:dana|biaya|dukungan|bantuan)(?: \w+){0,3} (?:dari|oleh)|"
                    r"funded|financed|sponsored|funding (?:from|by)|support(?:ed)? (?:by|from))\b", re.I)
# ... its number may carry a code before it ("RAD Nomor TT.560.2/186/IX/2018").
_LAW_NUMBER = re.compile(r"\b(?:Nomor|No\.?)\s*(?:[A-Z]{1,4}\.)?\d+|\b\d+\s*/\s*(?:19|20)\d\d\b", re.I)
_ORDINAL = (r"(?:nomor\s+|no\.?\s*)?(?:ke-?\s*\d+|\d+|satu|dua|tiga|empat|lima|pertama|kedua|ketiga|keempat|kelima|"
            r"teratas|tertinggi|terbesar|first|second|third|fourth|fifth|top|\d+(?:st|nd|rd|th))")
_RANK = re.compile(rf"\b(?:peringkat|urutan|posisi|ranking|rank|ranked|ranks)\s+(?:ke-?\s*)?{_ORDINAL}\b|"
                   rf"\b(?:ranked|ranks|menduduki|menempati)\s+(?:\w+\s+){{0,3}}{_ORDINAL}\b", re.I)
_MONTH = re.compile(f"(?:{MONTHS})", re.I)
_MONTH_WORD = re.compile(rf"\b(?:{MONTHS})\b", re.I)
# Where a sentence's list items part: a dash opening an item after a colon or semicolon, or a semicolon.
_ITEM = re.compile(r"\s*[;:]\s*-\s+|;\s+")
# A title or a name of its own the text gives a work or a programme: in quotes (“Impian Negeri
# Berkabut”), an English name of four words or more in brackets ("(Safe Migration and Zero
# Tolerance for Human Trafficking)"), or capitalised after the noun it names ("program Dana
# Bantuan Korban", "tema Global Migration Film Festival").
_TITLE = re.compile(
    r"[“\"]\s*[A-Z][^”\"]{3,}[”\"]|"
    r"\([A-Z][\w'-]*(?:\s+[\w'-]+){3,}\)|"
    r"\b(?:program|kampanye|proyek|buku|film|tema|bertajuk|berjudul|bertema|bertuliskan|judul|programme|campaign|"
    r"project|book|titled|entitled|called)\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)+")
_PERSON = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+")
# Words that make a run of capitalised words a body's name, never a person's.
_NOT_A_PERSON = frozenset(
    "committee agency academy council office organization organisation commission bureau institute institution "
    "department ministry government cooperation development response cross foundation association union network "
    "alliance university center centre fund programme program festival badan dinas lembaga komisi organisasi kantor "
    "biro kementerian pemerintah yayasan serikat universitas direktorat kepolisian kejaksaan gugus".split())
# The kinds of organisation a question may ask for, by the nouns that ask for them, and the
# names that answer each: a name its kind's noun heads ("Kementerian Sosial", "Serikat Buruh
# Migran Indonesia", "PT ...", "... Foundation").  "Lembaga Swadaya Masyarakat" is the word for
# an NGO, not the name of one.
_N = r"[A-Z][\w-]*"
_ORG_KINDS: dict[str, tuple[str, str]] = {
    "ngo": (r"NGOs?|LSM|yayasan|foundations?|charit(?:y|ies)",
            rf"\b(?:Yayasan|Serikat|Perkumpulan|Koalisi|Jaringan|LSM)\s+(?!Swadaya\b){_N}|"
            rf"\b{_N}(?:\s+{_N})*\s+(?:Foundation|Association|Union|Network|Alliance)\b"),
    "ministry": (r"ministr(?:y|ies)|kementerian",
                 rf"\b(?:Kementerian|Kemen|Ministry of|Departemen)\s+{_N}|\bKemen[A-Z][a-z]+\b"),
    "company": (r"compan(?:y|ies)|firms?|perusahaan",
                rf"\b(?:PT|CV|Perusahaan)\.?\s+{_N}|\b{_N}\s+(?:Ltd|Inc|Company|Corporation)\b"),
    "university": (r"universit(?:y|ies)|universitas",
                   rf"\b(?:Universitas|University of|Institut)\s+{_N}|\b{_N}\s+University\b"),
    "church": (r"church(?:es)?|gereja",
               rf"\b(?:Gereja|Keuskupan|Paroki|Sinode)\s+{_N}|\b{_N}(?:\s+{_N})*\s+(?:Church|Diocese)\b"),
    "school": (r"schools?|sekolah",
               rf"\b(?:SDN?|SMPN?|SMAN?|SMKN?|Sekolah|School of)\s+{_N}|\b{_N}(?:\s+{_N})*\s+(?:School|Academy)\b"),
    "embassy": (r"embass(?:y|ies)|kedutaan|kedubes",
                rf"\b(?:Kedutaan Besar|Kedubes|Embassy of(?: the)?)\s+{_N}|\b{_N}(?:\s+{_N})*\s+Embassy\b"),
    "hospital": (r"hospitals?|clinics?|rumah sakit|RSUD|klinik",
                 rf"\b(?:Rumah Sakit|RSUD?|Klinik)\s+{_N}|\b{_N}(?:\s+{_N})*\s+(?:Hospital|Clinic)\b"),
    # A workplace by its name: "Restoran Sari Rasa", "Perkebunan ...", "... Plantation".
    "business": (r"restaurants?|restoran|rumah makan|shops?|stores?|toko|factor(?:y|ies)|pabrik|plantations?|perkebunan",
                 rf"\b(?:Restoran|Rumah Makan|Toko|Pabrik|Perkebunan)\s+{_N}|"
                 rf"\b{_N}\s+(?:Restaurant|Shop|Store|Factory|Plantation)\b"),
}
_ORG_ANY = re.compile("|".join(rx for _q, rx in _ORG_KINDS.values()) + rf"|\b(?:Badan|Dinas|Lembaga|Komisi|Organisasi|Kantor|"
                      rf"Biro|Satuan|Gugus Tugas|Direktorat|Kepolisian|Kejaksaan|Angkatan|Agency|Office|Commission|"
                      rf"Committee|Council|Organi[sz]ation|Bureau)\s+(?:of\s+|for\s+)?(?!Swadaya\b){_N}")
# The heads themselves name no organisation: "Kementerian" alone answers no "which ministry".
_ORG_HEADS = frozenset("restoran rumah makan toko pabrik perkebunan restaurant shop store factory plantation "
                       "yayasan serikat perkumpulan koalisi jaringan lsm foundation association union network alliance "
                       "kementerian kemen ministry of departemen pt cv perusahaan ltd inc company corporation universitas "
                       "university institut badan dinas lembaga komisi organisasi kantor biro satuan gugus tugas "
                       "direktorat kepolisian kejaksaan angkatan agency office commission committee council organization "
                       "organisation bureau for gereja keuskupan paroki sinode church diocese sd sdn smp smpn sma "
                       "sman smk smkn sekolah school academy kedutaan besar kedubes embassy the rumah sakit rs rsud "
                       "klinik hospital clinic".split())
# The kinds of place a question may ask for, by the nouns that name them in either language.  A
# kind marked strict is answered only by a name that noun heads ("Bandara El Tari", "Desa
# Atmen"); the others also by a name after "di"/"in" whose kind the corpus does not contradict.
_PLACE_KINDS: dict[str, tuple[str, bool]] = {
    "airport": (r"bandara|bandar udara|airports?", True),
    "port": (r"pelabuhan|ports?|harbou?rs?", True),
    "hotel": (r"hotels?", True),
    "village": (r"desa|kampung|kelurahan|villages?", True),
    "island": (r"pulau|islands?", True),
    "district": (r"kabupaten|kab\.|kecamatan|regenc(?:y|ies)|districts?", False),
    "city": (r"kota|cit(?:y|ies)|towns?", False),
    "province": (r"provinsi|provinces?", False),
    "country": (r"negara|countr(?:y|ies)|kedutaan besar|embassy of", False),
}
_NAME = r"[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,3}"
# The kind's noun in any case ("Provinsi NTT", "provinsi NTT"), the name capitalised.
_PLACE_AFTER_KIND = {k: re.compile(rf"\b(?i:{rx})\s+(?:of\s+)?({_NAME})") for k, (rx, _) in _PLACE_KINDS.items()}
_PLACE_AFTER_PREP = re.compile(rf"\b(?:di|ke|dari|menuju|in|at|to|from)\s+({_NAME})")
# A name right after a place's preposition or kind ("di", "in", "Kabupaten", "negara").
_AT_PLACE = re.compile(r"\b(?:(?:di|ke|menuju|in|at|to)|(?i:" + "|".join(rx for rx, _ in _PLACE_KINDS.values()) + r"))\s+$")


def _asked(info: QueryInfo, given: Collection[str] = ()) -> set[str]:
    """The question's words, lower case, and ``given`` (their counterparts): what names no new thing."""
    return {w.lower() for w in re.findall(r"\w+", info.text)} | {w.lower() for w in given}


def _has_word(text: str, word: str) -> bool:
    """``word`` (lower case, may hold spaces) stands in ``text`` as a whole word: "bali" is not
    in "kembali", "ende" not in "kendala"."""
    return re.search(rf"(?<![a-z\u00C0-\u024F]){re.escape(word)}(?![a-z\u00C0-\u024F])", text) is not None


def _lone_years(text: str) -> frozenset[int]:
    """The years ``text`` names standing alone, not as one end of a range (which stands for the range)."""
    return frozenset(int(y) for y in _LONE_YEAR.findall(YEAR_SPAN.sub(" ", text)))


def number_key(text: str) -> str:
    """A number as compared: "1.000", "1,000" and "1000" meet; "%" dropped."""
    return re.sub(r"[.,%]", "", text).lower()


def quantity(match: str, after: str = "") -> tuple[str, str]:
    """A quantity as (its number, what it measures): ("605", "count"), ("50", "money");
    ``after``: the text that follows, where a currency may stand ("50 juta dolar")."""
    m = re.match(r"\D{0,4}(\d+(?:[.,]\d+)*)", match)
    key = number_key(m.group(1)) if m else match.split()[0].lower()
    money = _MONEY.search(match) or re.match(r"\s*(?:rupiah|dolar|dollars?)\b", after, re.I)
    if _SHARE.search(match):
        return key, "share"
    return key, "money" if money else "duration" if _DURATION.search(match) else "count"


def quantities(text: str) -> tuple[tuple[str, str], ...]:
    """Every quantity ``text`` states, as ``quantity`` reads it; a regulation's number and year
    ("Perda Nomor 7 Tahun 2016") is a name, not seven years."""
    text = without_regulation_ids(text)
    # "50 juta dolar": the currency may follow the magnitude.
    return tuple(quantity(m.group(), text[m.end():m.end() + 12]) for m in _QUANTITY.finditer(text))


# A number before a noun: "20 jaksa", "dua puluh jaksa", "empat belas jaksa yang terpilih".
_COUNTED = re.compile(rf"(?<![\w./])((?!(?:19|20)\d\d\b)\d+(?:[.,]\d+)*|"
                      rf"(?:{_NUMBER_WORDS})(?:\s+(?:{_NUMBER_WORDS}|puluh|belas|ratus|ribu|juta))*)\s+([A-Za-z][\w-]*)", re.I)


def counts_of(text: str, counted: Collection[str]) -> tuple[tuple[str, str], ...]:
    """The counts ``text`` gives of a noun whose analysed terms meet ``counted`` ("dua puluh
    jaksa" for "how many prosecutors", a noun no list of units can foresee), as ``quantities``."""
    text = without_regulation_ids(text)
    return tuple((quantity(m.group(1))[0], "count") for m in _COUNTED.finditer(text)
                 if set(analyze(m.group(2))) & set(counted))


def fold(word: str, n: int = 5) -> str:
    """A spelling key shared by English words and their Indonesian loans: "organization" and
    "organisasi", "police" and "polisi", "protocol" and "protokol" meet on their first five
    letters (``n``), spelled as a loan (``textutil.loan_letters``; "z" and "v" as "s" and "f")."""
    w = loan_letters(word).replace("z", "s").replace("v", "f")
    w = re.sub(r"(.)\1+", r"\1", w)
    return w[:n] if len(w) >= n else ""


def ambiguous_keys(words: Iterable[str], n: int = 7, most: int = 3) -> frozenset[str]:
    """The five-letter spelling keys that more than ``most`` different words of a corpus share
    on their first ``n`` letters: a common prefix ("inter": internasional, interaksi,
    intervensi, interest), no loan.  Such a key says nothing; a longer one is asked for."""
    longer: dict[str, set[str]] = {}
    for w in words:
        k = fold(w)
        if k:
            longer.setdefault(k, set()).add(fold(w, n) or w)
    return frozenset(k for k, ws in longer.items() if len(ws) > most)


def spelling_key(word: str, ambiguous: Collection[str] = frozenset(), n: int = 7) -> str:
    """``fold(word)``, or its ``n``-letter key when the five-letter one is ``ambiguous`` ("" for
    a word too short for it): "interview" meets "internasional" on five letters, not on seven."""
    k = fold(word)
    return fold(word, n) if k in ambiguous else k


def information(word: str, lang: str) -> float:
    """How much a word says about the topic: rare words say much ("photosynthesis"), everyday
    words little ("took"): 8 minus its Zipf frequency in the asker's language, at least 0.5.  A
    chat spelling says as much as its standard form ("dipake" as "dipakai")."""
    return max(0.5, 8.0 - zipf(standard(word.lower()), lang))


@functools.lru_cache(maxsize=65536)
def zipf(word: str, lang: str) -> float:
    """How common a word is in general use of ``lang`` (Zipf scale, 0 = unknown)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, lang if lang in ("en", "id") else "en"))


def strip_refs(text: str, refs: Sequence[Ref] | None = None) -> str:
    """``text`` without its in-text references (``refs``: already found in it)."""
    out, last = [], 0
    for r in (find_refs(text) if refs is None else refs):
        out.append(text[last:r.start])
        last = r.end
    out.append(text[last:])
    return "".join(out)


def _table_refs(backing: dict[tuple[int, int], tuple[str, ...]], chunk) -> tuple[str, ...]:  # noqa: ANN001
    keys = (k for s, _e in split_sentences(chunk.text) for k in backing.get((chunk.id, s), ()))
    return tuple(dict.fromkeys(keys))


def years_text(years: Sequence[int]) -> str:
    """"2014-2018" for a run of years, else "2013, 2020"."""
    ys = sorted(set(years))
    if len(ys) > 2 and ys[-1] - ys[0] == len(ys) - 1:
        return f"{ys[0]}-{ys[-1]}"
    return ", ".join(str(y) for y in ys)


def _same_span(info: QueryInfo, spans: Collection[tuple[int, int]]) -> bool:
    """One of ``spans`` is the range of years the question asks: the same range ("2014-2018"), or
    every year of it named one by one ("in 2016 and 2017" for "2016 hingga 2017")."""
    if info.year_spans & set(spans):
        return True
    asked = set(info.years)
    return len(asked) > 1 and any(set(range(a, b + 1)) == asked for a, b in spans)


class SentenceFacts:
    """The facts of every sentence of a corpus (rows as in ``store.sentences``) and of the
    corpus as a whole: its words and spelling keys, the years its running text names, the
    (author, year) pairs it cites."""

    def __init__(self, store) -> None:  # noqa: ANN001 - any StoredCorpus
        self.store = store
        chunks = store.chunks
        texts: dict[str, list[str]] = {}
        for c in chunks:
            texts.setdefault(c.doc, []).append(c.text.lower())
        self.doc_text = {d: " ".join(t) for d, t in texts.items()}  # each document's lower-case text
        self.vocab_text = " ".join(self.doc_text.values())
        # The regulations each document names by number and year ("UU Nomor 21 Tahun 2007").
        self.doc_regulations = {d: frozenset(regulation_ids(t)) for d, t in self.doc_text.items()}
        self._doc_words: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {}
        self.words = set(re.findall(r"[a-z\u00C0-\u024F]+", self.vocab_text))
        # Words the corpus writes in lower case somewhere: ordinary words, no part of a person's name.
        self.common = {w for c in chunks for w in re.findall(r"(?<![\w-])[a-z\u00C0-\u024F]{2,}", c.text)}
        self.ambiguous = ambiguous_keys(self.words)
        self.folds = {f for f in map(self.key, self.words) if f}
        self.cited = {(name.lower(), r.year) for c in chunks for r in find_refs(c.text)
                      for name in re.findall(r"[A-Z][\w-]+", r.authors)}
        self.doc_years: dict[str, set[int]] = {}  # the years each document's running text names
        for c in chunks:
            self.doc_years.setdefault(c.doc, set()).update(int(y) for y in _YEAR.findall(strip_refs(c.text)))
        self.text_years: set[int] = set().union(*self.doc_years.values())
        self.abstract = {c.id for c in chunks if c.is_abstract}
        self.abstract_en = {c.id for c in chunks if c.chapter.upper() == "ABSTRACT"}
        self.terms: list[frozenset[str]] = []
        self.sent_folds: list[frozenset[str]] = []
        self.years: list[frozenset[int]] = []
        self.spans: list[frozenset[tuple[int, int]]] = []  # the year ranges each sentence names
        self.refs: list[tuple[str, ...]]  # the sources backing each sentence (see sentence_refs)
        self.qty: list[tuple[tuple[str, str], ...]] = []  # (number, "share" | "money" | "count")
        # A sentence that lists items ("...: - Pada tahun 2014 sebanyak 605 orang ...; - Tahun 2015
        # terdapat 941 orang ..."), item by item: (years, year ranges, quantities, words); () for any other.
        self.items: list[tuple[tuple[frozenset[int], frozenset[tuple[int, int]], tuple[tuple[str, str], ...],
                                     frozenset[str]], ...]] = []
        self.defines: list[bool] = []
        self.defines_in_words: list[bool] = []  # by a defining verb or phrase, not an acronym's spelling
        self.dated: list[bool] = []
        self.year_rows: dict[int, list[int]] = {}
        self.doc_month_years: dict[str, set[tuple[int, int]]] = {}
        self.article_rows: dict[int, list[int]] = {}  # the sentences naming each article of a law
        for row in range(len(store.sentences)):
            text = store.sentence_text(row)
            for a in article_refs(text):
                self.article_rows.setdefault(a, []).append(row)
            found = find_refs(text)
            bare = strip_refs(text, found)
            self.terms.append(frozenset(analyze(text)))
            self.sent_folds.append(frozenset(f for f in map(self.key, re.findall(r"[A-Za-z]+", text)) if f))
            ys = _lone_years(bare)
            self.years.append(ys)
            self.spans.append(year_spans(bare))
            self.qty.append(quantities(bare))
            parts = _ITEM.split(bare) if chunks[store.sentences[row][0]].kind != "table" else []
            self.items.append(tuple((_lone_years(x), year_spans(x), quantities(x), frozenset(analyze(x))) for x in parts)
                              if len(parts) > 1 else ())
            self.defines.append(bool(_DEFINES.search(bare)))
            self.defines_in_words.append(bool(_DEFINES_WORDS.search(bare)))
            self.dated.append(bool(_DATE.search(bare)))
            for y in ys:
                self.year_rows.setdefault(y, []).append(row)
            # The months of a year each document names in one sentence ("per September di tahun
            # 2016", "pada tahun 2018 tepatnya di bulan Desember"; a range counts for each year).
            months = {month_number(m) for m in _MONTH_WORD.findall(text) if m != "may"}
            if months:
                named = {int(y) for y in _YEAR.findall(text)}
                named.update(y for a, b in self.spans[row] for y in range(a, b + 1))
                self.doc_month_years.setdefault(chunks[store.sentences[row][0]].doc, set()).update(
                    (m, y) for m in months for y in named)
        # The kinds of place the corpus gives each name ("Provinsi NTT" -> province, "Kabupaten
        # Belu" -> district): "di NTT" does not answer "in which city?".
        self.place_kinds: dict[str, set[str]] = {}
        for c in chunks:
            for kind, rx in _PLACE_AFTER_KIND.items():
                for m in rx.finditer(c.text):
                    self.place_kinds.setdefault(m.group(1).lower(), set()).add(kind)
        # Each passage's terms: a figure asked of a name stands in a passage naming it.
        self.chunk_terms = [frozenset().union(*(self.terms[r] for r in store.sentences_of.get(cid, [])))
                            for cid in range(len(chunks))]
        # How many sentences hold each term / spelling key: what is rare *in this corpus*
        # ("Jawa Barat", "sutradara") against what every passage says ("NTT", "IOM").
        self.lower = [store.sentence_text(r).lower() for r in range(len(store.sentences))]
        self.term_df = Counter(t for ts in self.terms for t in ts)
        self.fold_df = Counter(f for fs in self.sent_folds for f in fs)
        backing = backing_refs(chunks)
        # A passage's sentences are split as the Sources page splits them; a table is one sentence
        # here, backed by every source its rows and source line name.
        self.refs = [_table_refs(backing, chunks[cid]) if chunks[cid].kind == "table" else backing.get((cid, s), ())
                     for cid, s, _e in store.sentences]
        # The words of each section's title: "Subjek dan Objek Penelitian", "Kerangka Pemikiran".
        self.titles = {frozenset(analyze(c.section_title)) for c in chunks if c.section_title}
        self.about_rows = {kind: [r for r, (cid, _s, _e) in enumerate(store.sentences)
                                  if answers_about(chunks[cid].chapter, chunks[cid].section_title, kind)]
                           for kind in ABOUT_SECTIONS}

    def titles_section(self, phrase: str) -> bool:
        """Every word of ``phrase`` stands in one section's title: "subjek penelitian" names a part
        of the thesis (1.8.2 Subjek dan Objek Penelitian), not a term it defines."""
        words = set(analyze(phrase))
        return bool(words) and any(words <= t for t in self.titles)

    def text(self, row: int) -> str:
        return self.store.sentence_text(row)

    def specificity(self, word: str, terms: set[str]) -> float:
        """How rare the word (or a counterpart) is among the corpus' sentences: log(N / (1 + df)),
        with df the most sentences any of its terms or its spelling key stands in."""
        df = max((self.term_df.get(t, 0) for t in terms), default=0)
        if len(word) >= 5:
            df = max(df, self.fold_df.get(self.key(word), 0))
        return math.log((len(self.terms) + 1) / (1 + df))

    def known(self, word: str, terms: set[str]) -> bool:
        """The corpus has the word: one of its analysed ``terms``, itself, or its spelling key."""
        return any(self.store.has_term(t) for t in terms) or word.lower() in self.words or \
            (self.key(word) in self.folds if len(word) >= 5 else False)

    def holds(self, word: str, terms: set[str], row: int) -> bool:
        """Sentence ``row`` has the word: one of its ``terms`` (counterparts) or its spelling key."""
        return bool(terms & self.terms[row]) or (len(word) >= 5 and self.key(word) in self.sent_folds[row])

    def key(self, word: str) -> str:
        """The word's spelling key in this corpus (``spelling_key``; "" when it has none)."""
        return spelling_key(word, self.ambiguous)

    def mentions(self, word: str, terms: set[str], docs: Collection[str] | None = None) -> bool:
        """Whether the corpus - or, given ``docs``, one of those documents - has the word: in its
        text, as one of its analysed ``terms``, or by its spelling key (``known``)."""
        w = word.lower()
        if not docs:
            return _has_word(self.vocab_text, w) or self.known(word, terms)
        for d in docs:
            analysed, words, folds = self._words_of(d)
            if _has_word(self.doc_text.get(d, ""), w) or terms & analysed or w in words or \
                    (len(word) >= 5 and self.key(word) in folds):
                return True
        return False

    def names_month(self, month_year: tuple[int, int], docs: Collection[str] | None = None) -> bool:
        """A sentence (of ``docs``) names this month of this year: "Maret 2016" is not in a thesis
        that gives its figures per September."""
        return any(month_year in self.doc_month_years.get(d, ()) for d in (docs or self.doc_month_years))

    def names_article(self, article: int, reg: tuple[int, int] | None = None,
                      docs: Collection[str] | None = None) -> bool:
        """Whether a sentence (of ``docs``) names this article, with regulation ``reg`` when given:
        "UU Nomor 18 Tahun 2017 memuat pasal 1 dan pasal 2" names no article 3 of that law."""
        return any((not docs or self.store.chunks[self.store.sentences[r][0]].doc in docs)
                   and (reg is None or reg in regulation_ids(self.text(r))) for r in self.article_rows.get(article, ()))

    def names_regulation(self, reg: tuple[int, int], docs: Collection[str] | None = None) -> bool:
        """Whether the corpus (or one of ``docs``) names the regulation (number, year)."""
        return any(reg in self.doc_regulations.get(d, ()) for d in (docs or self.doc_regulations))

    def _words_of(self, doc: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """A document's analysed terms, words and spelling keys, made when first asked for."""
        if doc not in self._doc_words:
            text = self.doc_text.get(doc, "")
            words = frozenset(re.findall(r"[a-z\u00C0-\u024F]+", text))
            self._doc_words[doc] = (frozenset(analyze(text)), words, frozenset(f for f in map(self.key, words) if f))
        return self._doc_words[doc]

    # --- what a sentence states ---------------------------------------------------

    def states_measure(self, row: int, info: QueryInfo, in_year: bool = False,
                       groups: Sequence[frozenset[str]] = (), counted: Collection[str] = ()) -> bool:
        """The sentence states a quantity the question does not already give, in the measure it
        asks for: "Of the 605 victims, how many were children?" is not answered by "605 korban",
        "what percentage" only by a share.  ``in_year``: in a sentence naming a year the question
        names and, where the sentence lists items, in the item naming it: "Tahun 2015 terdapat 941
        orang" states nothing of 2014 for the list's "Pada tahun 2014 sebanyak 605 orang".
        ``groups``: analysed words of each group of people the figure is asked of, one of which
        stands where the quantity does (in a list, in its item: "941 orang calon Tenaga Kerja
        Wanita" in 2015 says nothing of the women among 2018's 230).  ``counted``: analysed terms
        of the noun a count is asked of; a number before one of them is a count too."""
        given = {number_key(n) for n in info.numbers}
        want = {"share": ("share",), "money": ("money",), "duration": ("duration",),
                "penalty": ("duration", "money"), "count": ("count",)}.get(info.wants, ())

        def stated(qty: Sequence[tuple[str, str]]) -> bool:
            # A count ("how many officers", "berapa korban") is not answered by a span of time:
            # "dalam kurun waktu empat tahun" states no number of officers.
            return any(n not in given and (sort in want if want else sort != "duration") for n, sort in qty)

        items = self.items[row]
        # What the list's lead-in says ("Korban perempuan: - 2014 ...; - 2015 ...") holds for every item.
        lead = items[0][3] if items else frozenset()

        def of_groups(words: frozenset[str]) -> bool:
            return all(said & (words | lead) for said in groups)

        extra = counts_of(self.text(row), counted) if counted and (not want or "count" in want) else ()
        whole = (stated(self.qty[row]) or stated(extra)) and of_groups(self.terms[row])
        if not in_year:
            return any(stated(qty) and of_groups(words) for _ys, _sp, qty, words in items) if items and groups \
                else whole
        if not self.names_year(row, info):
            return False
        named = [(qty, words) for ys, spans, qty, words in items if set(info.years) & ys or _same_span(info, spans)]
        # The year may head the list rather than an item ("Pada tahun 2014: - 300 perempuan; - ...").
        return any(stated(qty) and of_groups(words) for qty, words in named) if named else whole

    def states_contact(self, row: int) -> bool:
        """The sentence gives a phone number, an e-mail, a web or a street address."""
        return bool(_CONTACT.search(self.text(row)))

    def states_statement(self, row: int) -> bool:
        """The sentence reports someone's words (a verb of saying, a speech)."""
        return bool(_SAYS.search(self.text(row)))

    def states_end(self, row: int) -> bool:
        """The sentence says that something ended, or until when it ran (``_ENDS``, or a range
        of years: "pada periode 2014-2018")."""
        return bool(self.spans[row]) or bool(_ENDS.search(self.text(row)))

    def states_title(self, row: int) -> bool:
        """The sentence gives a work or a programme its title or name (``_TITLE``); a source's
        reference in brackets is no title."""
        return bool(_TITLE.search(strip_refs(self.text(row))))

    def states_funder(self, row: int) -> bool:
        """The sentence says who paid for or backed something ("didanai oleh", "dukungan oleh ...")."""
        return bool(_FUNDS.search(self.text(row)))

    def states_number(self, row: int, info: QueryInfo) -> bool:
        """The sentence gives a law's or regulation's number ("Nomor 21 Tahun 2007", "No. 5", "18/2017")."""
        return bool(_LAW_NUMBER.search(self.text(row)))

    def states_rank(self, row: int) -> bool:
        """The sentence gives a place in a ranking ("urutan nomor satu", "peringkat kedua",
        "ranked second", "peringkat ke-3")."""
        return bool(_RANK.search(self.text(row)))

    def states_person(self, row: int, info: QueryInfo) -> bool:
        """The sentence names a person the question does not: two or more capitalised words,
        one of them rare in both languages ("Nurul Qoiriah", not "Pemerintah Provinsi"), none of
        them a word the corpus also writes in lower case or a month ("Global Migiration Film
        Festival", "Desember Iinternational Organization" hold a misspelling, not a name), and
        not a place: after "di"/"in" or a kind of place, or one the corpus gives a kind."""
        asked = {w.lower() for w in re.findall(r"\w+", info.text)}
        text = self.text(row)
        for m in _PERSON.finditer(text):
            if _AT_PLACE.search(text[:m.start()]) or m.group().lower() in self.place_kinds:
                continue  # "berlokasi di Adis Dabba", "Kabupaten Timor Tengah Utara": a place
            if any(w.lower() in _NOT_A_PERSON for w in m.group().split()):
                continue  # "the Swedish International Development Cooperation Agency": a body
            words = [w.lower() for w in m.group().split() if w.lower() not in asked]
            if (words and any(max(zipf(w, "id"), zipf(w, "en")) < 2.5 for w in words)
                    and not any(w in self.common or _MONTH.fullmatch(w) for w in words)):
                return True
        return False

    def states_place(self, row: int, info: QueryInfo, given: Collection[str] = ()) -> bool:
        """The sentence names a place the question does not (``given``: the question's words and
        their counterparts), of the kind it asks for: "Which airport ...?" by a name after
        "Bandara"/"airport", "Di kota mana ...?" also by one after "di" that the corpus never
        calls a province or a country ("di Kupang", not "di NTT")."""
        asked = _asked(info, given)
        kinds = [k for k, (rx, _strict) in _PLACE_KINDS.items() if re.search(rf"\b(?:{rx})\b", info.text, re.I)]
        text = self.text(row)

        def new_name(name: str) -> bool:
            words = [w.lower() for w in re.findall(r"[\w'-]+", name)]
            return not all(w in asked or w in self.common or _MONTH.fullmatch(w) for w in words)

        for k in kinds or list(_PLACE_KINDS):
            if any(new_name(m.group(1)) for m in _PLACE_AFTER_KIND[k].finditer(text)):
                return True
        if kinds and all(_PLACE_KINDS[k][1] for k in kinds):
            return False
        for m in _PLACE_AFTER_PREP.finditer(text):
            known = self.place_kinds.get(m.group(1).lower(), set())
            if new_name(m.group(1)) and (not kinds or not known or known & set(kinds)):
                return True
        return False

    def states_organisation(self, row: int, info: QueryInfo, given: Collection[str] = ()) -> bool:
        """The sentence names an organisation of the kind asked ("Which NGO ...?" by a name an
        NGO's noun heads; "which institutions ...?" by any organisation's) that the question does
        not (``given``: the question's words, their counterparts and the title's words)."""
        asked = _asked(info, given)
        kinds = [rx for q, rx in _ORG_KINDS.values() if re.search(rf"\b(?:{q})\b", info.text, re.I)]
        pattern = re.compile("|".join(kinds)) if kinds else _ORG_ANY
        for m in pattern.finditer(self.text(row)):
            words = [w.lower() for w in re.findall(r"[\w-]+", m.group())]
            if not all(w in asked or w in _ORG_HEADS for w in words):
                return True
        return False

    def names_year(self, row: int, info: QueryInfo) -> bool:
        """The sentence names a year the question asks about, or the same range of years: a
        question "in 2014-2018" (or "in 2016 and 2017") is met by a sentence "dari tahun
        2014-2018" ("2016 hingga 2017"), which names no single year of it."""
        return bool(set(info.years) & self.years[row]) or _same_span(info, self.spans[row])

    def states_date(self, row: int, info: QueryInfo) -> bool:
        """The sentence holds a date; for "when"/"kapan" one the question does not already name."""
        if not self.dated[row]:
            return False
        if info.years and WHEN.search(info.text):
            return bool(self.years[row] - set(info.years)) or bool(DAY_MONTH.search(self.text(row)))
        return True

    def sentence_refs(self, row: int) -> tuple[str, ...]:
        """The thesis' own sources for a sentence: its in-text references, or the parenthetical
        reference after it that backs it (``textutil.backing_refs``, the rule the Sources page
        uses too: the answer and the page name the same source for the same sentence)."""
        return self.refs[row]

    def rare_number_rows(self, info: QueryInfo) -> frozenset[int]:
        """The sentences stating a number the question names that at most three sentences
        state: "the 605 victims" points at one sentence exactly, "UU 21" does not."""
        out: set[int] = set()
        for x in info.numbers:
            if len(x) > 1:
                rx = whole_number(x)
                rows = [r for r in range(len(self.store.sentences)) if rx.search(self.text(r))]
                if len(rows) <= 3:
                    out.update(rows)
        return frozenset(out)

    def outline_rows(self, info: QueryInfo) -> frozenset[int]:
        """The outline's sentences on the chapters a question about the document's structure
        names: "Apa isi bab 3?" is answered by "BAB III, menerangkan ...", not by chapter 3."""
        if info.about != "structure" or not info.chapters:
            return frozenset()
        rx = chapter_names(info.chapters)
        return frozenset(r for r in self.about_rows.get("structure", ()) if rx.search(self.text(r)))

    def rare_name_rows(self, question: str, common_nouns: Collection[str] = ()) -> frozenset[int]:
        """The sentences naming a name the question names (a capitalised word not starting a
        sentence) that at most three sentences name: "what does the thesis say about Malaysia?"
        is answered from the one sentence that says Malaysia, not from one about NTT in general.
        ``common_nouns`` (lower case) are capitalised words that are no names."""
        out: set[int] = set()
        for m in re.finditer(r"(?<![\w-])[A-Z][A-Za-z]{2,}(?![\w-])", question):
            if sentence_initial(question, m.start()):
                continue
            word = m.group().lower()
            if word in common_nouns:
                continue
            if self.term_df.get(word, 0) > 3 and not re.search(r"[^a-z]", word):
                continue  # quick exit: a word many sentences hold as it stands
            rows = [r for r, t in enumerate(self.lower) if word in t and _has_word(t, word)]
            if len(rows) <= 3:
                out.update(rows)
        return frozenset(out)

    @functools.cached_property
    def common_terms(self) -> frozenset[str]:
        """The analysed terms of the words the corpus writes in lower case: its common nouns."""
        return frozenset(analyze(" ".join(sorted(self.common))))

    def following(self, rows: Collection[int], n: int) -> frozenset[int]:
        """``rows`` and up to ``n`` sentences after each within the same passage."""
        sents = self.store.sentences
        out = set(rows)
        for r in rows:
            for nxt in range(r + 1, min(r + n + 1, len(sents))):
                if sents[nxt][0] != sents[r][0]:
                    break
                out.add(nxt)
        return frozenset(out)

    # --- the years the corpus covers ------------------------------------------------

    def years_of(self, docs: Collection[str] | None = None) -> set[int]:
        """The years the running text of ``docs`` names (every document's when None)."""
        if not docs:
            return self.text_years
        return set().union(*(self.doc_years.get(d, set()) for d in docs))

    def absent_years(self, question: str, info: QueryInfo, docs: Collection[str] | None = None) -> list[int]:
        """Years the question asks about that the running text (of ``docs``) never names (a
        cited source's year, "Hoi 2022", is a citation, not an event, and does not count)."""
        named = self.years_of(docs)
        unnamed = [y for y in info.years if y not in named]
        cited = self.cited_years(question, unnamed)
        return [y for y in unnamed if y not in cited]

    def cited_years(self, question: str, years: Iterable[int]) -> set[int]:
        """Of ``years``, those ``question`` writes right after an author the corpus cites for
        that year ("Arif (2016)", "Hoi 2022"): the year of a source, not a time asked about."""
        out = set()
        for y in years:
            m = re.search(rf"([A-Z][\w-]+)\s*,?\s*\(?{y}", question)
            if m and (m.group(1).lower(), str(y)) in self.cited:
                out.add(y)
        return out

    def span(self, docs: Collection[str] | None = None) -> list[int]:
        """The first and last year the running text (of ``docs``) names (from 1945)."""
        years = sorted(y for y in self.years_of(docs) if y >= 1945)
        return [years[0], years[-1]] if years else []

    def near_years(self, absent: Sequence[int], window: int, docs: Collection[str] | None = None) -> list[int]:
        """Years the corpus (``docs``) names that lie within ``window`` of an absent asked year."""
        return sorted({y for a in absent for y in self.years_of(docs) if 0 < abs(y - a) <= window})
