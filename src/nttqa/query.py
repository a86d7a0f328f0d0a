"""Question understanding (pure): language, years, section references, numbers,
abbreviations, question kind, and glossary expansion."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from nttqa.textutil import (DAY_MONTH, detect_language, find_refs, roman, roman_value, without_regulation_ids,
                            year_spans, years as _years)

_WORD_NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "satu": 1, "dua": 2, "tiga": 3,
             "empat": 4, "lima": 5, "first": 1, "second": 2, "third": 3, "fourth": 4,
             "pertama": 1, "kedua": 2, "ketiga": 3, "keempat": 4}

_YEAR_QUESTION = re.compile(r"\b(when|what year|which year|kapan|tahun berapa|sejak kapan|pada tahun)\b", re.I)
_KIND_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("citation", re.compile(r"\b(source|sources|cite[sd]?|citation|reference[sd]?|backs? up|supports?|"
                            r"sumber|rujuk\w*|referensi|dikutip|mengutip|kutip\w*|didukung oleh)\b", re.I)),
    ("section", re.compile(r"\b(which (?:section|chapter|part)|where in the thesis|in which (?:section|chapter|part)|"
                           r"what does (?:chapter|section|bab)|chapter [ivx\d]+ (?:cover|discuss|analy)|"
                           r"(?:di )?(?:sub)?bab (?:mana|berapa|apa)|di bagian mana|bagian mana|bab [ivx\d]+ (?:membahas|berisi))\b", re.I)),
    ("figure", re.compile(r"\b(how many|how much|what (?:percentage|percent|share|rate|number)|berapa|jumlah|"
                          r"persentase|persen|percent|rate|tingkat|angka|(?<!key )(?<!public )(?<!leading )figures?|statistics?|statistik)\b", re.I)),
    ("definition", re.compile(r"\b(what is an?|what is the meaning|what does .{1,30} (?:mean|stand for)|define[sd]?|"
                              r"definition|meaning|apa itu|apa yang dimaksud|pengertian|definisi|arti(?:nya)?|"
                              r"kepanjangan|singkatan|mendefinisikan)\b", re.I)),
    ("summary", re.compile(r"\b(summar\w*|ringkas\w*|conclusion|conclude[sd]?|kesimpulan|research question|"
                           r"rumusan masalah|main (?:argument|finding)|argumen|hypothesis|recommend\w*|rekomendasi|"
                           r"hambatan|intinya|tujuan penelitian)\b", re.I)),
    ("list", re.compile(r"\b(what are|which are|list|name the|what (?:did|does) .{1,40} do|what roles|"
                        r"sebutkan|apa saja|siapa saja|mana saja|kegiatan apa|upaya apa|langkah|strategi|"
                        r"reasons|causes|factors|steps|activities|measures|ways|"
                        # Indonesian nouns carry no plural: "apa penyebab ..." asks for the causes.
                        r"penyebab\w*|faktor\w*|alasan\w*)\b", re.I)),
    ("year", _YEAR_QUESTION),
]


@dataclass(frozen=True)
class QueryInfo:
    text: str
    lang: str  # "id" | "en" | "other"
    kind: str  # "fact" | "figure" | "year" | "list" | "definition" | "citation" | "section" | "summary"
    years: tuple[int, ...] = ()
    chapters: tuple[int, ...] = ()
    sections: tuple[str, ...] = ()
    section_words: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    list_size: int = 0  # "three roles" -> 3
    expansions: tuple[str, ...] = field(default=())
    abbreviation_expansions: tuple[str, ...] = field(default=())  # the subset that spells out abbreviations
    intent: str = ""  # "opinion" | "prediction" | "fabricate" | "override" | "current": asks what no thesis can give
    about: str = ""  # a question about the document itself: "topic" | "aim" | "method" | ... (ABOUT_SECTIONS)
    parts: tuple[str, ...] = ()  # parts of the thesis the question names to be answered from
    what_is_said: bool = False  # asks what the document says about something ("Apakah skripsi ini menyebut X?")
    year_spans: frozenset[tuple[int, int]] = frozenset()  # ranges of years it names as such ("2014-2018")
    term: str = ""  # for a definition, the term to define: "people smuggling" in "How does the thesis define people smuggling?"
    sources: tuple[tuple[str, int], ...] = ()  # works it cites as a text does: "Arif (2016)" -> ("arif", 2016)
    wants: str = ""  # what the answer must state: "share" | "money" | "duration" (a figure) | "penalty" (either) | "person" (a name) | "statement" | "funder" | "title" (of a work or programme) | "end" (its date) | "number" (of a law) | "rank" | ""


# Requests no thesis can answer, whatever it says: the bot's opinion, a prediction, a
# made-up quote or figure, or dropping its rules.  Second person or an explicit verb only,
# so "what does the thesis recommend?" or "menurut skripsi" never match.
_INTENTS: list[tuple[str, re.Pattern[str]]] = [
    # An instruction, so at the start of a sentence (or after "please"/"tolong"): "why did the
    # government ignore the rules?" is a question about the thesis, "Ignore your rules" is not.
    ("override", re.compile(
        r"(?:^|[.!?;:]\s*|\b(?:please|pls|tolong|coba)\s+)(?:now\s+)?(?:ignore|disregard|forget|bypass)\b"
        r".{0,40}\b(?:rules?|instructions?|thesis|context|above|prompt)\b|"
        r"(?:^|[.!?;:]\s*|\b(?:tolong|coba)\s+)(?:abaikan|lupakan)\b.{0,30}\b(?:aturan\w*|instruksi\w*|perintah\w*|skripsi)\b|"
        r"\bsystem prompt\b|\bjailbreak\b|\bpretend (?:to be|you are)\b|\bberpura-pura\b|"
        # Putting words in the text's mouth: "Pretend the thesis says ...", "Anggap saja skripsi bilang ...".
        r"\b(?:pretend|imagine|assume|suppose) (?:that )?(?:the |this )?(?:thesis|text|author|document|it) "
        r"(?:says?|said|states?|claims?|argues?|concludes?)\b|"
        r"\b(?:anggap(?:lah)?|andaikan|bayangkan|misalkan) (?:saja )?(?:bahwa )?(?:skripsi|teks|penulis|dokumen)(?: ini)? "
        r"(?:bilang|mengatakan|menyatakan|menyebut(?:kan)?|menyimpulkan|berpendapat)\b|"
        # Going beyond the text on purpose: "even if it is not written there", "walaupun tidak
        # ada di skripsi" (not "walaupun tidak ada dokumen resmi", a question about the thesis).
        r"\beven (?:if|though) (?:it(?:'s| is)? |that(?:'s| is)? |they are )?not (?:written|stated|said|there|"
        r"in the (?:thesis|text|document))\b|"
        r"\b(?:meskipun|walaupun|walau|biarpun|sekalipun) (?:tidak|tak|gak|nggak|ga) (?:ada |tertulis |tercantum |"
        r"disebut(?:kan)? |dibahas )?(?:di|dalam) (?:skripsi|teks|dokumen)\b", re.I)),
    # Making something up: "make up" alone also means "constitute" ("which groups make up ..."),
    # so it counts only with what would be invented.
    ("fabricate", re.compile(
        r"\b(?:make up|invent|fabricate)\b.{0,25}\b(?:quotes?|quotations?|figures?|numbers?|statistics?|stor(?:y|ies)|"
        r"answers?|data|sources?|citations?|references?)\b|\bmake (?:it|something|one|them) up\b|"
        r"\b(?:karang(?:kan|lah)|ngarang)\b|\bkarang\b(?=.{0,30}\b(?:kutipan|angka|data|sumber|statistik|cerita|jawaban)\b)|\b(?:mengarang|buat(?:kan|lah)?)\b.{0,20}\b(?:kutipan|angka|data|sumber)\b.{0,20}\b(?:palsu|fiktif|sendiri|saja)\b|"
        r"\b(?:tell|write) (?:me )?(?:a|an) (?:story|poem|joke|essay)\b|"
        # What would be invented, named as such: "a fake quote", "kutipan palsu", "data fiktif";
        # a guess ("just guess a percentage", "tebak saja").  Not "dokumen palsu", the
        # traffickers' forged papers.
        r"\b(?:fake|made-up|fabricated|fictional|fictitious|invented)\s+(?:quotes?|quotations?|figures?|numbers?|"
        r"statistics?|data|sources?|citations?|references?)\b|"
        r"\b(?:kutipan|angka|data|sumber|referensi|statistik)\w*\s+(?:yang\s+)?(?:palsu|fiktif|karangan|bohongan|rekaan)\b|"
        r"\bguess(?:es|ing)?\b|\b(?:tebak(?:lah|kan|an)?|menebak|nebak)\b|"
        r"\b(?:buat(?:kan|lah)?|tulis(?:kan|lah)?|ceritakan)\b.{0,15}\b(?:cerita|puisi|dongeng|lelucon)\b", re.I)),
    # The bot's own opinion: second person only ("what does the author think" is a question).
    ("opinion", re.compile(
        r"\b(?:in your (?:own |personal )?(?:opinion|view)|what do you (?:personally |really |honestly )?(?:think|feel|believe)|"
        r"do you (?:personally |really |honestly )?(?:think|believe|agree)|your (?:own |personal )?(?:opinion|view|take)|"
        r"menurut(?:mu| kamu| anda| lo| lu)|(?:pendapat|opini)(?: pribadi)?(?:mu| kamu| anda)|(?:kamu|anda) setuju)\b", re.I)),
    # Live information ("today's exchange rate", "berita hari ini"): a thesis is fixed in its time.
    # So is one that ends on "now" / "sekarang" / "saat ini", or asks who holds a post today ("Siapa
    # presiden Indonesia sekarang?", "Who is the current governor?"); "the current study" is the thesis.
    ("current", re.compile(r"\b(?:today'?s?|right now|as of now|real[- ]time|hari ini|sekarang ini|saat ini juga|detik ini)\b|"
                           r"\b(?:now|nowadays|currently|sekarang|saat ini|kini)\s*[?.!]*\s*$|"
                           r"\b(?:who|siapa)\b.{0,40}\b(?:current(?:ly)?|sekarang|saat ini|kini)\b(?! (?:study|research|thesis))",
                           re.I)),
    # A forecast; a question about a year beyond the text is left to the year rule.
    ("prediction", re.compile(
        r"\b(?:predict\w*|forecast\w*|prediksi\w*|ramal(?:kan|an)?|meramal\w*)\b|"
        r"\bwill\b.{0,60}\bin the future\b|\bakan\b.{0,60}\b(?:di masa depan|di masa mendatang)\b", re.I)),
]

# A chapter as a question names it: "chapter 3", "bab III", "chapter two", "bab tiga".
_CHAPTER = r"(?:[ivx]+|\d|one|two|three|four|five|satu|dua|tiga|empat|lima)"

# Questions about the document itself, with the sections that answer them (matched on
# section titles, so any thesis with the usual headings works).
_ABOUT: list[tuple[str, re.Pattern[str]]] = [
    ("aim", re.compile(r"\b(?:aims?|purpose|objectives?|goals?) of (?:this|the) (?:thesis|study|research)|"
                       r"(?:thesis|study|research) (?:aims?|sets out)|tujuan (?:dari )?(?:penelitian|skripsi|studi)|"
                       r"skripsi ini bertujuan", re.I)),
    # "methods traffickers use" is no question about the research method: "use" counts only
    # with the author or researcher as the one using it.
    ("method", re.compile(r"\b(?:research )?method(?:s|ology)?\b.{0,30}\b(?:thesis|study|research)\b|\bresearch method|"
                          r"\bmethod(?:s|ology)?\b.{0,20}\b(?:the )?(?:author|writer|researcher)s? (?:use|used|uses)\b|"
                          r"\bhow (?:was|is|did) (?:the|this) (?:research|study|thesis)\b.{0,20}(?:done|conducted|carried)|"
                          r"\b(?:kind|type) of research\b|\bmetode(?:logi)?(?: penelitian)?\b|\bjenis penelitian\b|"
                          r"\bteknik pengumpulan data\b|\bdata collection\b", re.I)),
    ("question", re.compile(r"\bresearch questions?\b|\brumusan masalah\b|\bpertanyaan penelitian\b", re.I)),
    ("conclusion", re.compile(r"\bconclu(?:sion|sions|de|des|ded)\b|\bkesimpulan\w*\b|\bmenyimpulkan\b", re.I)),
    ("recommendation", re.compile(r"\brecommend\w*\b|\brekomendasi\w*\b|\bsaran\b", re.I)),
    ("structure", re.compile(r"\bhow many chapters\b|\bnumber of chapters\b|\bberapa (?:banyak )?bab\b|"
                             r"\b(?:jumlah|banyaknya) bab\b|\bsistematika\b|"
                             r"\b(?:structure|outline|organi[sz]ation) of (?:the|this) (?:thesis|study)\b|"
                             rf"\bwhat does (?:chapter|bab) {_CHAPTER}\b.{{0,25}}\b(?:cover|discuss|contain|deal with)|"
                             rf"\bwhat(?:'s| is) (?:in )?(?:chapter|bab) {_CHAPTER}(?: about)?\s*[?.!]*$|"
                             rf"\bisi(?:nya)?(?: dari)? bab {_CHAPTER}\b|"
                             rf"\b(?:chapter|bab) {_CHAPTER} (?:covers?|discuss\w*|membahas|berisi|isinya)\b", re.I)),
    ("topic", re.compile(r"\bwhat(?:'s| is) (?:this|the) (?:thesis|study|research|skripsi)\b.{0,15}\babout\b|"
                         r"\b(?:topic|subject|summary|main (?:point|idea|argument)|overview|abstract) of (?:this|the) (?:thesis|study)\b|"
                         r"\bsummari[sz]e (?:this|the) (?:thesis|study)\b|\b(?:thesis|study) (?:is )?about\b|"
                         r"\b(?:skripsi|penelitian) ini (?:membahas|tentang|berisi|mengkaji|meneliti)\b|"
                         r"\b(?:topik|tema|judul|isi|inti|ringkasan|abstrak)(?: dari)? (?:skripsi|penelitian)\b|"
                         r"\bringkas(?:kan|an)? skripsi\b|\bskripsi ini\b.{0,15}\bapa\b", re.I)),
]

# Parts of a thesis a question may ask within ("according to the literature review", "di
# kerangka pemikiran"), and the words of the section titles that are those parts.  A question
# naming one is answered from that part (``named_parts``; retrieval limits itself to it when the
# corpus has such a section).  "Background"/"latar belakang" is left out: it names a person's or
# an organisation's background as often as the section.
_PARTS: list[tuple[str, re.Pattern[str]]] = [
    ("literature", re.compile(r"\b(?:literature review|tinjauan pustaka|kajian pustaka|penelitian terdahulu|"
                              r"previous (?:studies|research))\b", re.I)),
    # "legal framework" names no part of the thesis: only a theoretical one does.
    ("framework", re.compile(r"\b(?:theoretical|conceptual|analytical) framework\b|"
                             r"\bframework (?:of|in|(?:is |was )?used (?:in|by)) (?:the|this) (?:thesis|study|research)\b|"
                             r"\bkerangka (?:pemikiran|teori|konseptual|berpikir)\b", re.I)),
    ("hypothesis", re.compile(r"\b(?:working |provisional )?hypothes[ie]s\b|\bprovisional argument\b|"
                              r"\bargumen sementara\b|\bhipotesis\b", re.I)),
    ("scope", re.compile(r"\bscope of (?:the|this) (?:research|study|thesis)\b|\bresearch scope\b|"
                         r"\bcakupan penelitian\b|\bruang lingkup\b|\bbatasan (?:masalah|penelitian)\b", re.I)),
    # "According to the abstract, ...", "Menurut abstrak, ...": not "the abstract of the thesis",
    # which asks for its summary (``about_document``).
    ("abstract", re.compile(r"\b(?:according to|in|from) the (?:english |indonesian )?abstract\b(?! of)|"
                            r"\bthe abstract (?:says|states|mentions|describes)\b|"
                            r"\b(?:menurut|di|dalam|pada) abstrak(?:nya)?\b(?! (?:skripsi|penelitian))|"
                            r"\babstrak(?:nya)? (?:menyebut\w*|mengatakan|menyatakan|menjelaskan)\b", re.I)),
]
PART_SECTIONS: dict[str, tuple[str, ...]] = {
    "literature": ("tinjauan pustaka", "kajian pustaka", "penelitian terdahulu", "literature review"),
    "framework": ("kerangka", "framework", "landasan teori"),
    "hypothesis": ("argumen sementara", "hipotesis", "hypothes"),
    "scope": ("cakupan", "ruang lingkup", "batasan", "scope"),
    "abstract": ("abstrak", "abstract"),
}


def named_parts(text: str) -> tuple[str, ...]:
    """The parts of the thesis a question names to be answered from (``PART_SECTIONS``)."""
    return tuple(name for name, pat in _PARTS if pat.search(text))


def is_part(heading: str, parts: Sequence[str]) -> bool:
    """Whether a section, by its lower-case heading (chapter and titles), is one of the named ``parts``."""
    return any(w in heading for p in parts for w in PART_SECTIONS.get(p, ()))


def without_parts(text: str) -> str:
    """``text`` without the words that name a part of the thesis: they say where to read ("di
    kerangka pemikiran"), which the part's passages satisfy by being that part, not by using them."""
    for _name, pat in _PARTS:
        text = pat.sub(" ", text)
    return text


# Section-title words (stemmed by the caller) that answer each kind of document question.
ABOUT_SECTIONS: dict[str, tuple[str, ...]] = {
    "aim": ("tujuan penelitian",),
    "method": ("metode penelitian", "jenis penelitian", "metode pengumpulan data", "proses penelitian"),
    "question": ("rumusan masalah",),
    "conclusion": ("kesimpulan",),
    "recommendation": ("rekomendasi", "saran"),
    "structure": ("sistematika",),
    "topic": ("abstrak", "abstract", "kesimpulan", "tujuan penelitian"),
}


def _first_match(patterns: Sequence[tuple[str, re.Pattern[str]]], text: str) -> str:
    return next((name for name, pat in patterns if pat.search(text)), "")


def intent(text: str) -> str:
    """What no thesis can answer that the question asks for ("opinion", ...), or ""."""
    return _first_match(_INTENTS, text)


def about_document(text: str) -> str:
    """Which part of the document a question about the document itself asks for, or ""."""
    return _first_match(_ABOUT, text)


# "What does the thesis say about X?", "Apa yang dibahas skripsi tentang X?": whatever it says
# of X is the answer, so a question of this form is answered whenever X is found.
_MENTIONS = re.compile(
    r"\b(?:what (?:does|do) (?:the |this )?(?:thesis|text|author|document|documents)\s+(?:say|write|tell|mention)s?"
    r"\s+(?:us\s+)?(?:about|on|of)|(?:does|do) (?:the |this )?(?:thesis|text|author|document|documents) "
    r"(?:mention|say anything about|talk about|discuss)|what is (?:said|written) about|"
    r"apa (?:saja )?(?:yang )?(?:dikatakan|dibahas|disebut(?:kan)?|ditulis|dijelaskan) (?:oleh )?"
    r"(?:skripsi|penulis|dokumen|teks)(?: ini)? (?:tentang|mengenai|soal)|"
    r"apakah (?:skripsi|penulis|dokumen)(?: ini)? (?:menyebut|membahas|menyinggung))", re.I)


def asks_what_is_said(text: str) -> bool:
    """The question asks what the document says about something, whatever that is."""
    return bool(_MENTIONS.search(text))


def answers_about(chapter: str, section_title: str, kind: str) -> bool:
    """Whether a section (by its chapter and title) answers document questions of ``kind``."""
    heading = f"{chapter} {section_title}".lower()
    return any(t in heading for t in ABOUT_SECTIONS.get(kind, ()))


def chapter_refs(text: str) -> tuple[int, ...]:
    out = []
    for m in re.finditer(rf"\b(?:chapter|bab)\s+({_CHAPTER})\b", text, re.I):
        v = m.group(1).lower()
        out.append(int(v) if v.isdigit() else _WORD_NUM.get(v) or roman_value(v) or 0)
    for m in re.finditer(r"\b(first|second|third|fourth|pertama|kedua|ketiga|keempat)\s+chapter\b|"
                         r"\bbab\s+(pertama|kedua|ketiga|keempat)\b", text, re.I):
        out.append(_WORD_NUM[(m.group(1) or m.group(2)).lower()])
    if re.search(r"\b(?:chapters?|bab)\b", text, re.I):
        # "How many chapters ..., and what does the first one cover?", "... bab yang pertama".
        for m in re.finditer(r"\bthe (first|second|third|fourth) one\b|\byang (pertama|kedua|ketiga|keempat)\b", text, re.I):
            out.append(_WORD_NUM[(m.group(1) or m.group(2)).lower()])
    return tuple(sorted({c for c in out if c}))


def chapter_names(chapters: Iterable[int]) -> re.Pattern[str]:
    """A pattern for the way a text names any of ``chapters``: "BAB III", "Bab 3", "Chapter III"."""
    alts = "|".join(f"{roman(c)}|{c}" for c in sorted(set(chapters))) or "(?!)"
    return re.compile(rf"\b(?:bab|chapter)\s+(?:{alts})\b(?![.,]?\d)", re.I)


def section_refs(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.group(1).rstrip(".") for m in
                               re.finditer(r"(?:§|\b(?:section|subsection|subbab|sub-bab|bagian|sub\s*bab)\s*)?"
                                           r"\b(\d{1,2}\.\d{1,2}(?:\.\d{1,2})?)\b(?!\s*%)", text, re.I)
                               if _is_section_like(m.group(1), text)))


def _is_section_like(num: str, text: str) -> bool:
    # "1.000 penduduk" is a number, "2.1.3" and "section 2.1" are sections.
    parts = num.split(".")
    if len(parts) == 2 and len(parts[1]) == 3:
        return False
    return bool(re.search(r"(section|subsection|subbab|sub-bab|bagian|§)\s*" + re.escape(num), text, re.I)) or len(parts) == 3 \
        or (int(parts[0]) <= 4 and len(parts[1]) == 1)


def section_words(text: str) -> tuple[str, ...]:
    """Named sections: "subbab instrumen", "the section on culture"."""
    out = []
    for m in re.finditer(r"\b(?:subbab|sub-bab|bagian|section on|chapter on|section about)\s+([a-zA-Z]{4,})", text, re.I):
        w = m.group(1).lower()
        if w not in {"mana", "berapa", "apa", "yang", "the", "which", "this"}:
            out.append(w)
    return tuple(out)


def numbers(text: str) -> tuple[str, ...]:
    nums = re.findall(r"(?<![\w.,])\d+(?:[.,]\d+)*%?", text)
    ys = {str(y) for y in _years(text)}
    return tuple(n for n in nums if n not in ys)


def abbreviations(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(re.findall(r"\b[A-Z][A-Z0-9]{1,}(?:-[A-Z0-9]+)*\b", text)))


# Typed as keywords: "year NTT ranked first ...", "tahun IOM didirikan", "tanggal peluncuran film".
_YEAR_KEYWORDS = re.compile(r"^\s*(?:the\s+)?(?:year|date|tahun|tanggal)\s+(?!\d|berapa\b|ini\b|itu\b|lalu\b)", re.I)


# "When traffickers misuse the custom, what ...?": an opening "when" clause followed by another
# question word sets a condition; it does not ask for a time.
_WHEN_CLAUSE = re.compile(r"^\s*when\b(?=[^?]*,\s*(?:what|which|who|whom|how|why|where)\b)", re.I)


def question_kind(text: str) -> str:
    if _YEAR_KEYWORDS.match(text):
        return "year"
    asked = _WHEN_CLAUSE.sub("", text)
    for kind, pat in _KIND_PATTERNS:
        if pat.search(asked if kind == "year" else text):
            if kind == "figure" and re.search(r"\b(tahun berapa|what year)\b", text, re.I):
                return "year"
            return kind
    # A year asks for events of that year, unless it is part of a regulation's name ("What
    # does Law No. 21 of 2007 regulate?").
    if _years(without_regulation_ids(text)) or DAY_MONTH.search(text):
        return "year"
    return "fact"


# What follows a noun that heads its phrase ("which NGO ran ...", "which city is ...", "which
# country?"), unlike a noun that qualifies the next ("what village regulation ...").
_HEADS_PHRASE = (r"(?=\s*(?:[?,.;]|$)|\s+(?:is|are|was|were|did|do|does|has|have|had|can|could|will|would|in|of|on|"
                 r"at|near|where|that|which|ran|runs?|gave|gives?|took|takes?|made|makes?|sent|sends?|paid|pays?|led|"
                 r"leads?|built|builds?|got|gets?|set|sets|won|manages?|handles?|helps?|works?|provides?|supports?|operates?|"
                 r"funds?|coordinates?|monitors?|assists?|offers?|organi[sz]es?|hosts?|oversees?|trains?|protects?|"
                 r"besides|except|apart|other|\w+ed)\b)")

# People in office, by the title a question names them with (the thesis names few of them,
# and quotes fewer).
_OFFICES_EN = (r"(?:governor|minister|president|regent|mayor|head|chief|director|official|officer|spokes(?:man|woman|person)|"
               r"ambassador|chair(?:man|woman|person)?|leader|coordinator|commissioner|representative|delegate|envoy)s?")
_OFFICES_ID = (r"(?:gubernur|menteri|presiden|bupati|wali ?kota|kepala|ketua|direktur|pejabat|kapolda|kapolri|kapolres|"
               r"duta besar|juru bicara|jubir|koordinator|pimpinan|komisioner|perwakilan|wakil|utusan)")

# Works and programmes known by a title or a name of their own, and what names this document.
# A work is asked for by "which film", "film apa"; a programme only by its name ("name of the
# campaign", "nama program"): "which programme" asks for a description.
_WORKS_EN = r"film|movie|documentary|book|novel|booklet|guidebook|handbook|report|song|slogan"
_WORKS_ID = r"film|buku|buku saku|buku panduan|novel|laporan|lagu|slogan"
_NAMED_EN = rf"(?:{_WORKS_EN}|pocket ?book|programme|program|campaign|project|initiative|scheme|festival|fund)"
_NAMED_ID = rf"(?:{_WORKS_ID}|program|kampanye|proyek|inisiatif|festival)"
_DOC = r"(?:this|the) (?:thesis|study|research|paper|skripsi)|skripsi|penelitian"

# What the answer must state: a share or a sum of money for "what percentage" / "berapa
# dana", a person's name for "who was the head of ..." / "siapa nama ...".
_WANTS: list[tuple[str, re.Pattern[str]]] = [
    # Contact details: a phone number, an e-mail, a website or a street address ("What is the
    # phone number of IOM's Kupang office?", "alamat email IOM", "situs web BP2MI").
    ("contact", re.compile(
        r"\b(?:(?:tele)?phone|fax|hotline|mobile|whatsapp|contact) numbers?\b|\bcontact (?:details|information|info)\b|"
        r"\be-?mail(?: address)?\b|\bweb ?sites?\b|\bURLs?\b|\b(?:street|postal|mailing|office) address\b|"
        # "address" as a noun of someone's ("IOM's address", "what is the address"), not the verb.
        r"(?:'s|\bits|\btheir) (?:full |exact )?address\b|\bwhat(?:'s| is) the (?:full |exact )?address\b|"
        r"\b(?:nomor|no\.?) (?:telepon|telp|hp|handphone|ponsel|whatsapp|wa|kontak|faks|hotline)\b|"
        r"\bsurel\b|\bsitus(?: web| resmi)?\b|\balamat (?:e-?mail|surel|situs|web\w*|kantor|lengkap|surat)\b",
        re.I)),
    # What a person in office said: "What did the governor say about ...?", "in his speech", "Apa
    # yang disampaikan menteri ...?", "isi pidato bupati".  Not what the thesis, its author, a law
    # or a cited source says: those are answered by what the text writes.
    ("statement", re.compile(
        rf"\bwhat (?:did|does|do|has|had) (?:the |an? |its |their )?(?:\w+ ){{0,3}}?{_OFFICES_EN}(?: \w+){{0,5}}? "
        r"(?:say|said|state|declare|announce|tell|stress|claim|promise)\b|"
        r"\b(?:in|during) (?:his|her|their|the|a) (?:\w+ ){0,2}?(?:speech|remarks|press conference|press statement)\b|"
        rf"\bapa (?:saja )?(?:yang )?(?:di(?:katakan|sampaikan|ucapkan|nyatakan|tegaskan|janjikan|umumkan))(?: oleh)? "
        rf"(?:\w+ ){{0,2}}?{_OFFICES_ID}\b|"
        rf"\bapa kata (?:\w+ ){{0,2}}?{_OFFICES_ID}\b|"
        r"\b(?:pidato|sambutan|konferensi pers|jumpa pers|keterangan pers)(?:nya)?\b", re.I)),
    # Who paid for something: "Who funded the seminar?", "Which country paid for the fund?",
    # "Siapa yang mendanai ...?", "... dibiayai oleh siapa?", "sumber dananya".
    ("funder", re.compile(
        r"\b(?:who(?: \w+)?|(?:which|what)(?: \w+){1,4}?) (?:funded|financed|sponsored|paid for|bankrolled|"
        r"(?:provided|gave) (?:the )?(?:funding|funds|money|financing))\b|"
        r"\b(?:funded|financed|sponsored|paid for) by (?:whom|which|what|who)\b|\bwho (?:funds|finances|sponsors|pays for)\b|"
        r"\bsource of (?:the |its |their )?(?:funding|funds|money)\b|"
        r"\bsiapa (?:saja )?(?:yang )?(?:mendanai|membiayai|mensponsori|menyandang dana|memberi(?:kan)? dana)\b|"
        r"\b(?:didanai|dibiayai|disponsori) oleh (?:siapa|apa|lembaga mana|negara mana)\b|"
        r"\bsumber (?:dana|pendanaan|biaya|anggaran)(?:nya)?\b|\bdari mana (?:dana|biaya|anggaran)(?:nya)?\b", re.I)),
    # A title or a proper name of a work or a programme: "What film did IOM screen?", "What is the
    # title of the guidebook?", "What was the campaign called?", "Apa judul buku ...?", "nama program
    # IOM", "film apa", "berjudul apa".  Not the thesis' own title, nor "which programme" (a
    # description answers that).
    ("title", re.compile(
        rf"\bwhat(?:'s| is| was| were) the (?:full |exact |official )?titles? of (?!{_DOC})|"
        rf"\btitled?\b(?! of (?:{_DOC}))|\bentitled\b|"
        rf"\b(?:which|what) (?:\w+ ){{0,2}}?(?:{_WORKS_EN})s?"
        r"(?=\s*(?:[?,.;]|$)|\s+(?:is|are|was|were|did|do|does|has|have|had|by|about|on|of|that|which|\w+ed)\b)|"
        rf"\bwhat (?:is|was|were) [^?]{{0,40}}?\b{_NAMED_EN}s?\b[^?]{{0,40}}\bcalled\b|"
        rf"\bname of (?:the |its |their |that |this |IOM's )?(?:\w+ ){{0,2}}?{_NAMED_EN}\b|"
        rf"\bjudul(?:nya)?\b(?! (?:{_DOC}))|\b(?:bertajuk|berjudul|bertema|bertuliskan) apa\b|"
        rf"\bnama (?:\w+ )?{_NAMED_ID}\b|\b(?:{_WORKS_ID}) apa\b",
        re.I)),
    # When something ended: "When did the RMIM programme end?", "Kapan moratorium itu dicabut?",
    # "sampai kapan ...?": a date is no answer unless it is the end's.
    ("end", re.compile(
        r"\b(?:when|what year|which year)\b[^?]{0,80}(?<!\bto )\b(?:end|ended|finish|finished|stop|stopped|close|closed|"
        r"dissolve|dissolved|disband|disbanded|lift|lifted|abolish|abolished|revoke|revoked|expire|expired|terminate|"
        r"terminated)\b|\b(?:until|up to|till) (?:when|what year|which year)\b|"
        r"\b(?:kapan|tahun berapa)\b[^?]{0,80}(?<!\buntuk )\b(?:berakhir|diakhiri|mengakhiri|selesai|dihentikan|menghentikan|"
        r"berhenti|ditutup|menutup|dibubarkan|membubarkan|bubar|dicabut|mencabut|kedaluwarsa)\b|\b(?:sampai|hingga) (?:kapan|tahun berapa)\b", re.I)),
    ("person", re.compile(
        r"\b(?:siapa nama|nama (?:kepala|ketua|direktur|pemimpin|gubernur|bupati|menteri|pelaku|perekrut|orang|sutradara|"
        r"pejabat|duta besar)|"
        r"name of the (?:\w+ ){0,2}(?:man|woman|person|head|chief|director|governor|minister|leader|recruiter|official|"
        r"ambassador)|"
        r"who (?:is|was) the (?:\w+ ){0,3}(?:head|chief|director|governor|regent|mayor|minister|leader|president|chair\w*|"
        r"founder|official|ambassador)|"
        # "Which Norwegian official ...": an office held by someone, asked for the person.
        r"(?:which|what) (?:\w+ ){0,2}(?:official|officer|ambassador|minister|governor|regent|mayor|director)s?"
        r"(?! (?:regulation|decree|decision|office|letter|speech|budget|programme|program|policy)s?\b)|"
        r"who (?:directed|founded|led|headed|recruited|chaired|directs|leads|heads|chairs)|"
        r"siapa (?:yang )?(?:menyutradarai|mendirikan|memimpin|mengepalai|mengetuai)|"
        # Who acted for a body: "Who signed it on behalf of Australia?", "Siapa yang ... mewakili Australia?".
        r"who\b[^?]{0,60}\b(?:on behalf of|representing)|siapa\b[^?]{0,60}\b(?:mewakili|atas nama)|"
        r"siapa (?:kepala|ketua|direktur|gubernur|bupati|walikota|wali kota|camat|presiden|kapolda|menteri|sutradara|"
        r"pejabat|duta besar)|"
        r"(?:pejabat|duta besar|presiden|menteri|gubernur|bupati|walikota|wali kota|direktur) (?:\w+ ){0,2}(?:mana|siapa))\b",
        re.I)),
    # A place: "In which city ...?", "Which airport ...?", "Di kota mana ...?", "Bandara mana ...?",
    # "..., dan di mana kantor pusatnya?".
    ("place", re.compile(
        r"\b(?:(?:which|what) (?:\w+ ){0,2}?(?:cit(?:y|ies)|towns?|villages?|districts?|regenc(?:y|ies)|provinces?|"
        # ... as the head of its phrase: "what village regulation" asks for a regulation.
        r"countr(?:y|ies)|islands?|airports?|ports?|harbou?rs?|hotels?|venues?)"
        rf"{_HEADS_PHRASE}|"
        r"(?:kota|desa|kabupaten|kecamatan|provinsi|negara|pulau|bandara|pelabuhan|hotel|gedung|lokasi|tempat) mana)\b|"
        # "where" alone also asks where in the thesis or where data came from: only where
        # something is, or took place.
        # So is where someone was taken, found, or went ("Where were the victims sent?", "Ke mana
        # korban dikirim?").
        r"\bwhere\b[^?]{0,60}\b(?:located|based|held|headquartered|situated|take place|took place|found|sent|taken|"
        r"brought|moved|rescued|trafficked|sold|detained|arrested|hidden|kept|born|lived?|worked|go|went|"
        r"end(?:ed)? up)\b|"  # not "work", "working", "living": nouns too ("the working hypothesis")
        r"\bdi ?mana (?:letak|lokasi|kantor|markas)|\bdi ?mana\b[^?]{0,60}\b(?:berlokasi|terletak|berkantor|bermarkas|"
        r"diadakan|diselenggarakan|dilaksanakan|ditemukan|dibawa|dipindahkan|diselamatkan|dijual|ditahan|ditangkap|"
        r"disembunyikan|lahir|tinggal|bekerja|dipekerjakan)\b|\b(?:berlokasi|terletak|berkantor|bermarkas|diadakan|"
        r"diselenggarakan|dilaksanakan|ditemukan|dikirim|dibawa|dijual) di ?mana\b|\bke ?mana\b", re.I)),
    # The page a source says something on: "Which page of Archer's book ...?", "Goma (2020)
    # halaman berapa?" (the answer checks that the question names a source the thesis cites; the
    # thesis' own page is on every citation).
    ("page", re.compile(r"\b(?:(?:which|what|on which|on what) pages?|page numbers?|halaman (?:berapa|mana|ke berapa))\b",
                        re.I)),
    # A place in a ranking: "peringkat berapa", "what rank", "ranked ..." (answered by "urutan
    # nomor satu", "peringkat kedua", "ranked second").
    ("rank", re.compile(r"\b(?:peringkat|urutan|ranking|rank|ranked|ranks)\b", re.I)),
    ("share", re.compile(r"\b(?:percent(?:age)?s?|per cent|proportion|share of|persen(?:tase)?|proporsi)\b|%", re.I)),
    ("number", re.compile(r"\b(?:nomor berapa|no\.? berapa|(?:what|which) number|number of the (?:law|regulation|act|decree|bylaw|perda)|"
                          r"apa nomor)\b", re.I)),
    ("duration", re.compile(r"\b(?:berapa lama|how long|(?:over |for )?how many (?:years|months|weeks|days)|"
                            r"berapa (?:tahun|bulan|minggu|hari)(?! (?:ini|itu|lalu))|selama berapa)\b", re.I)),
    ("money", re.compile(r"\b(?:budget|funding|funds?|cost|costs|spent|spend|money|donat\w*|grants?|salary|fines?|"
                         r"anggaran|dana|biaya|donasi|hibah|gaji|denda|uang)\b", re.I)),
    # Last, after a duration or a sum of money alone: "What prison terms and fines does the law
    # set?", "Apa sanksi pidananya?" are answered by a term in prison or a fine, either one.
    ("penalty", re.compile(r"\b(?:prison (?:terms?|sentences?)|jail (?:terms?|time)|penalt(?:y|ies)|punishments?|fines?|"
                           r"hukuman|pidana penjara|ancaman pidana|sanksi pidana\w*|denda)\b", re.I)),
    # Last of the figures: a count ("how many traffickers", "berapa jumlah korban") is not
    # answered by a rate ("3,83%") or a sum of money.
    ("count", re.compile(r"\b(?:how many|(?:the )?(?:total )?number of|total|berapa (?:banyak|jumlah|orang|kali)|"
                         r"jumlah)\b", re.I)),
    # Last: an organisation, "Which NGO ...?", "Which ministries ...?", "LSM mana ...?",
    # "Lembaga apa saja ...?", "nama perusahaan ..." (the noun heads its phrase, as for a place).
    ("organisation", re.compile(
        r"\b(?:which|what) (?:\w+ ){0,2}?(?:NGOs?|organi[sz]ations?|agenc(?:y|ies)|institutions?|ministr(?:y|ies)|"
        r"compan(?:y|ies)|firms?|universit(?:y|ies)|foundations?|charit(?:y|ies)|restaurants?|shops?|stores?|"
        r"factor(?:y|ies)|plantations?|church(?:es)?|schools?(?! of thought)|embass(?:y|ies)|hospitals?|clinics?)"
        rf"{_HEADS_PHRASE}|"
        r"\b(?:LSM|organisasi|lembaga|instansi|kementerian|perusahaan|universitas|yayasan|restoran|rumah makan|toko|"
        r"pabrik|perkebunan|gereja|sekolah|kedutaan(?: besar)?|kedubes|rumah sakit|klinik) (?:apa|mana)\b|"
        r"\bnama (?:LSM|organisasi|lembaga|instansi|kementerian|perusahaan|universitas|yayasan|restoran|rumah makan|"
        r"toko|pabrik|perkebunan|gereja|sekolah|kedutaan(?: besar)?|kedubes|rumah sakit|klinik)\b|"
        r"\bname of the (?:\w+ )?(?:NGO|organi[sz]ation|agency|institution|ministry|company|firm|university|foundation|"
        r"restaurant|shop|store|factory|plantation|church|school|embassy|hospital|clinic)\b",
        re.I)),
]


# Groups of people by sex or age, and the words a sentence may name each by, in both languages.
# A figure asked of one ("how many of the victims were men?", "berapa korban anak-anak?") is a
# breakdown: the thesis answers it only where it states a figure of that group.
_GROUPS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = tuple(
    (re.compile(rf"\b(?:{words})\b", re.I), frozenset(said.split("|"))) for words, said in (
        (r"men|man|males?|laki-laki|lelaki|pria", "laki|lelaki|pria|men|male|males"),
        (r"women|woman|females?|perempuan|wanita", "perempuan|wanita|women|woman|female|females"),
        (r"children|child|minors?|kids|boys?|girls?|anak-anak|anak|balita|bayi|infants?|babies",
         "anak|balita|bayi|children|child|minor|minors|boys|girls|infants"),
        (r"adults?|dewasa", "dewasa|adult|adults"),
    ))


# The noun a count is asked of: "How many prosecutors ...", "berapa (banyak/jumlah) jaksa",
# "jumlah peserta", "the number of officers".
_COUNTED_NOUN = re.compile(
    r"\b(?:how many|(?:the )?(?:total )?number of|berapa(?: banyak| jumlah| orang)?|jumlah)\s+"
    r"(?:(?:the|of|para|kah)\s+)*([A-Za-z][\w-]*)", re.I)


def counted_noun(text: str) -> str:
    """The noun a count question counts, as written ("prosecutors", "jaksa"); "" if none."""
    m = _COUNTED_NOUN.search(text)
    return m.group(1) if m else ""


def population_groups(text: str) -> list[frozenset[str]]:
    """For each group of people by sex or age that ``text`` names, the lower-case words a
    sentence names that group by ("women" -> {"perempuan", "wanita", ...})."""
    return [said for pat, said in _GROUPS if pat.search(text)]


# Wants read only in a question after a figure: "how many" or "total" elsewhere ask for no count.
_FIGURE_WANTS = frozenset({"share", "money", "count"})


def wants(text: str, kind: str) -> str:
    """What the answer must state: "contact" details, a "statement" by someone in office, a
    "funder", a "title", an "end" date, "person", "place", "organisation", a regulation's "number", a "penalty", a
    "duration", a "rank", or for a question after a figure ("berapa", or one that names a year
    without asking when) "share", "money" or a "count"."""
    figure = kind == "figure" or (kind == "year" and not _YEAR_QUESTION.search(text))
    for name, pat in _WANTS:
        if name in ("place", "organisation") and kind in ("section", "citation"):
            continue  # "Where in the thesis ...?", "Sumber mana ...?" ask for a part or a source
        if (figure or name not in _FIGURE_WANTS) and pat.search(text):
            return name
    return ""


# The term a definition question asks about runs from the asking words to the end of the clause.
_TERM = re.compile(
    r"\b(?:define[sd]?(?!\s+as\b)|mendefinisikan(?!\s+sebagai\b)|definisikan|(?:the )?(?:meaning|definition) of|what (?:is|are) meant by|"
    r"(?:pengertian|definisi|arti)(?: dari)?|apa (?:itu|yang dimaksud(?: dengan)?))\s+(?:an?\s+|the\s+)?"
    r"(?:['\"‘“]([^'\"’”]+)['\"’”]|(.+?)(?=\s*(?:[,?.;:!]|\b(?:and|dan|according|menurut|in|di|dalam|pada|for|untuk|bagi)\b|$)))",
    re.I)


def defined_term(text: str, kind: str) -> str:
    """The term a definition question asks to define, "" when it names none this way."""
    m = _TERM.search(text) if kind == "definition" else None
    return (m.group(1) or m.group(2)).strip() if m else ""


def list_size(text: str) -> int:
    m = re.search(r"\b(two|three|four|five|dua|tiga|empat|lima|\d)\s+(?:\w+\s+)?"
                  r"(roles?|strateg\w*|reasons?|causes?|factors?|peran|faktor|unsur|langkah|cara|hal|things|steps|ways)\b",
                  text, re.I)
    if not m:
        return 0
    v = m.group(1).lower()
    return int(v) if v.isdigit() else _WORD_NUM.get(v, 0)


def dense_query_text(question: str, translations: Sequence[str], room: float = 2.0) -> str:
    """The text an English question is embedded as: the question, then its translations (those
    it does not already contain) in brackets, within ``room`` times the question's length.

    The encoder's time grows with the text and a warm answer has a budget.  Translations that
    share their stems ("korban", "korbannya") all stay: leaving the repeats out (and giving their
    room to the next) cost one English question its first rank in cross-validation."""
    lower = question.lower()
    kept: list[str] = []
    for t in translations:
        if t.lower() not in lower and sum(map(len, kept)) + len(t) <= room * len(question):
            kept.append(t)
    return question + (" (" + "; ".join(kept) + ")" if kept else "")


def cited_works(text: str) -> tuple[list[tuple[str, int]], str]:
    """The works ``text`` cites the way a text does ("Arif (2016)", "(Goma 2020, 36)",
    "Daniel, Mulyana and Wibhawa (2017)") as (first author's name, lower case; year), and the
    text with those citations reduced to their authors: their years date a source, not an event
    asked about.  An acronym before a year in brackets is a place or a body and its year a time
    ("NTT (2014)")."""
    works: list[tuple[str, int]] = []
    out, last = [], 0
    for r in find_refs(text):
        first = re.match(r"[A-Z][\w'’.-]*", r.authors)
        if not first or first.group().isupper() or not r.year[:4].isdigit():
            continue
        works.append((first.group().lower(), int(r.year[:4])))
        out += [text[last:r.start], r.authors]
        last = r.end
    return works, "".join(out) + text[last:]


# "after 2018" asks about the years after it, "sebelum tahun 2014" about those before: the year
# next to it stands for them (the thesis' years end in 2018, so "after 2018" asks for 2019).
_RELATIVE_YEAR = re.compile(r"\b(after|later than|beyond|setelah|sesudah|selepas|pasca|before|prior to|earlier than|"
                            r"sebelum)[\s-]+((?:the\s+)?(?:year|tahun)\s+)?((?:19|20)\d\d)\b(?!\s*[-–]\s*\d)", re.I)


def relative_years(text: str) -> str:
    """``text`` with a year after "after"/"setelah" moved one on, after "before"/"sebelum" one back."""
    def shift(m: re.Match[str]) -> str:
        step = -1 if m.group(1).lower() in ("before", "prior to", "earlier than", "sebelum") else 1
        return f"{m.group(1)} {m.group(2) or ''}{int(m.group(3)) + step}"
    return _RELATIVE_YEAR.sub(shift, text)


def analyze_question(text: str, glossary: "Glossary | None" = None) -> QueryInfo:
    text = text.strip()
    sources, undated = cited_works(text)
    # A cited work's year dates the source, a regulation's is part of its name ("Law No. 18 of
    # 2017"): neither asks for the events of that year.
    undated = relative_years(without_regulation_ids(undated))
    ys = _years(undated)
    lang = detect_language(text)
    kinds = glossary.expand_kinds(text, lang) if glossary else []
    kind = question_kind(undated)
    info = QueryInfo(
        text=text,
        lang=lang,
        kind=kind,
        years=ys,
        chapters=chapter_refs(text),
        sections=section_refs(text),
        section_words=section_words(text),
        numbers=numbers(undated),
        abbreviations=abbreviations(text),
        list_size=list_size(text),
        expansions=tuple(e for e, _k in kinds),
        abbreviation_expansions=tuple(e for e, k in kinds if k == "abbreviation"),
        intent=intent(text),
        about=about_document(text),
        what_is_said=asks_what_is_said(text),
        year_spans=year_spans(undated),
        parts=named_parts(text),
        sources=tuple(sources),
        wants=wants(text, kind),
        term=defined_term(text, kind),
    )
    return info


class Glossary:
    """Phrase maps used to expand questions, by direction.

    ``translations`` are (Indonesian, English) pairs, ``abbreviations`` are
    (short, long) pairs, ``synonyms`` (the thesis' word, other Indonesian words a
    question may use for it) pairs; "a|b" lists alternatives.  An English question
    is expanded into Indonesian and abbreviations are spelled out; an Indonesian
    question gets the abbreviation spellings and the thesis' words for its
    synonyms ("markas besar" -> "kantor pusat"), not English (translating it would
    only add noise to an Indonesian corpus).
    """

    def __init__(self, translations: Iterable[tuple[str, str]] = (),
                 abbreviations: Iterable[tuple[str, str]] = (),
                 synonyms: Iterable[tuple[str, str]] = ()) -> None:
        self._en2id: dict[str, set[str]] = {}
        self._id2en: dict[str, set[str]] = {}
        self._abbr: dict[str, set[str]] = {}
        self._syn: dict[str, set[str]] = {}
        for thesis, other in synonyms:
            for x in _alts(thesis):
                for y in _alts(other):
                    if x.lower() != y.lower():
                        self._syn.setdefault(y.lower(), set()).add(x)
        for ind, eng in translations:
            for x in _alts(ind):
                for y in _alts(eng):
                    if x.lower() != y.lower():
                        self._en2id.setdefault(y.lower(), set()).add(x)
                        self._id2en.setdefault(x.lower(), set()).add(y)
        for short, long in abbreviations:
            for x in _alts(short):
                for y in _alts(long):
                    self._abbr.setdefault(x.lower(), set()).add(y)
                    self._abbr.setdefault(y.lower(), set()).add(x)
        self._re = {name: _phrase_re(m) for name, m in
                    (("en", self._en2id), ("id", self._id2en), ("abbr", self._abbr), ("syn", self._syn))}

    def __len__(self) -> int:
        return len(self._en2id) + len(self._abbr) + len(self._syn)

    def lookup(self, term: str) -> set[str]:
        t = term.lower()
        return set(self._en2id.get(t, set()) | self._id2en.get(t, set()) | self._abbr.get(t, set()))

    def pairs(self, text: str, lang: str = "en") -> list[tuple[str, set[str]]]:
        """Each glossary phrase found in ``text`` with its counterparts (translations
        for non-Indonesian text, the thesis' words for Indonesian synonyms, abbreviation
        spellings in both directions)."""
        out: list[tuple[str, set[str]]] = []
        taken: list[tuple[int, int]] = []  # where English glossary phrases stand
        for name, mapping in (("en", self._en2id), ("syn", self._syn), ("abbr", self._abbr)):
            rx = self._re[name]
            if rx is None or (name == "en" and lang == "id") or (name == "syn" and lang != "id"):
                continue
            for m in rx.finditer(text):
                out.append((m.group(0), set(mapping[m.group(0).lower()])))
                if name == "en":
                    taken.append(m.span())
        if lang != "id":
            out.extend(self._stem_pairs(text, taken))
        return out

    def _stem_pairs(self, text: str, taken: Sequence[tuple[int, int]]) -> list[tuple[str, set[str]]]:
        """English words of ``text`` outside every glossary phrase (``taken``: their spans) that
        are an inflected form of a one-word entry ("preventively" of "preventive", "funded" of
        "fund", "rescued" of "rescue"), with that entry's counterparts.  Only an ending is undone,
        never a derivation: "author" is no form of "authority"."""
        out: list[tuple[str, set[str]]] = []
        for m in re.finditer(r"(?<![\w-])[A-Za-z]{4,}(?![\w-])", text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            entry = next((b for b in _english_bases(m.group().lower()) if b in self._en2id), None)
            if entry:
                out.append((m.group(), set(self._en2id[entry])))
        return out

    def expand_kinds(self, text: str, lang: str = "en") -> list[tuple[str, str]]:
        """Counterpart phrases for the glossary terms in ``text`` (not already in it), each with
        its kind: "translation" (or an Indonesian synonym's) or "abbreviation"."""
        maps = [("abbr", self._abbr)]
        maps.insert(0, ("en", self._en2id) if lang != "id" else ("syn", self._syn))
        found: list[tuple[str, set[str]]] = []  # (kind, counterparts) of each term, in order
        taken: list[tuple[int, int]] = []
        for name, mapping in maps:
            rx = self._re[name]
            if rx is None:
                continue
            for m in rx.finditer(text):
                found.append(("abbreviation" if name == "abbr" else "translation", mapping[m.group(0).lower()]))
                if name == "en":
                    taken.append(m.span())
        if lang != "id":
            found += [("translation", alts) for _word, alts in self._stem_pairs(text, taken)]
        low = text.lower()
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        for kind, alts in found:
            for alt in sorted(alts):
                if alt.lower() not in low and alt not in seen:
                    seen.add(alt)
                    out.append((alt, kind))
        return out

    @classmethod
    def from_terms(cls, terms: Sequence[object]) -> "Glossary":
        """From glossary terms (objects with ``term``, ``meaning`` and ``kind``; kind
        "synonym" for the thesis' word and other Indonesian words for it)."""
        trans, abbr, syn = [], [], []
        for t in terms:
            pair = (getattr(t, "term"), getattr(t, "meaning"))
            kind = getattr(t, "kind", "")
            (abbr if kind == "abbreviation" else syn if kind == "synonym" else trans).append(pair)
        return cls(trans, abbr, syn)


def _english_bases(word: str) -> list[str]:
    """The words ``word`` may be an inflection of: "rescued" -> "rescu", "rescue"; "making" ->
    "mak", "make"; "planned" -> "plann", "plan"; "studies" -> "study"; "preventively" ->
    "preventive"."""
    out: list[str] = []
    for suffix in ("ly", "ies", "ied", "es", "ed", "ing", "s", "d"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                out.append(base + "y")
                continue
            out += [base, base + "e"] if suffix == "ing" else [base]
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "aeiouls":
                out.append(base[:-1])
    return out


def _alts(s: str) -> list[str]:
    return [x.strip() for x in s.split("|") if x.strip()]


def _phrase_re(mapping: Mapping[str, object]) -> re.Pattern[str] | None:
    # Longest keys first so "human trafficking" wins over "trafficking".
    keys = sorted(mapping, key=len, reverse=True)
    if not keys:
        return None
    alts = "|".join(re.escape(k) for k in keys)
    return re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])", re.I)
