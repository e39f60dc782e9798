"""Name normalisation for resolution: clean-up, node keys, acronyms, spelling variants, sizes.

Pure functions on strings, no corpus state: ``clean_name``/``name_key`` give a name's node key,
``acronym_fits`` tells an in-text definition, ``variant_forms`` proposes the other spellings a name
may be a variant of (article, function word, generic head, plural, participle, British spelling),
``parse_variant`` splits a checkpoint name into family and size. See ``kgbuild.resolve`` for how
clustering uses them.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from ..normalize import match_key

# Edge strengths (see the ``kgbuild.resolve`` docstring); the variant proposals below carry theirs.
FORCED, CURATED, CROSS_TYPE, ACRONYM, ARTICLE, SPELLING, ALIAS, HEAD, PLURAL = 100, 90, 80, 70, 60, 60, 50, 45, 40
# An existing graph's cluster, kept together when new papers are added (``build(base=...)``): the
# weakest edge, so the real evidence forms the clusters and names the reasons, and pins only close
# what the evidence alone no longer would; it obeys no guard but a forced split.
PINNED = 1

_TEX_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ",
    "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "times": "×", "infty": "∞",
}
_TEX_CMD = re.compile(r"\\([A-Za-z]+)\s*")
_TEX_DROP = re.compile(r"\\(?:mathrm|mathbf|mathit|mathcal|text|textbf|textit|operatorname|rm|bf|it)\b")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 18)
def clean_name(text: str) -> str:
    """NFKC, TeX leftovers out ("PanGu-$\\alpha$" -> "PanGu-α"), whitespace collapsed.

    TeX markup reaches us from arXiv abstracts: ``$``, braces and backslashes carry no meaning in
    a name, Greek-letter commands become the letter so both spellings share a key.
    """
    text = unicodedata.normalize("NFKC", text)
    if "\\" in text or "$" in text or "{" in text:
        text = _TEX_DROP.sub("", text)
        text = _TEX_CMD.sub(lambda m: _TEX_SYMBOLS.get(m.group(1), m.group(1)), text)
        text = text.replace("$", "").replace("{", "").replace("}", "").replace("\\", "")
    return _SPACES.sub(" ", text).strip(" \t\n,;:")


@lru_cache(maxsize=1 << 18)
def name_key(text: str) -> str:
    """The node key of a name: ``match_key`` after ``clean_name`` (cached: names repeat a lot)."""
    return match_key(clean_name(text))


_ACRONYM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-+]{1,11}$")


def is_acronym(text: str) -> bool:
    """Short, no spaces, at least two capitals ("LoRA", "MoE", "EX", "SST-2")."""
    return bool(_ACRONYM.match(text)) and sum(ch.isupper() for ch in text) >= 2


def _lcs(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence (tiny inputs: word initials vs acronym letters)."""
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def acronym_fits(acronym: str, long_form: str) -> bool:
    """Schwartz-Hearst-style check: first letters agree, the letters appear in order, and at
    least two of them start words of the long form.

    Used to tell an in-text definition ("Low-Rank Adaptation (LoRA)") from any other alias pair;
    "LLaMA2-7B/13B" is not a long form of "LLaMA2-13B" (one word start only), nor "LoRA adapters"
    of "LoRA" (it uses the acronym).
    """
    letters = [ch for ch in acronym.lower() if ch.isalpha()]
    words = re.sub(r"^(the|a|an)\s+", "", long_form.strip(), flags=re.I).lower()
    parts = [w for w in re.split(r"[\s\-/]+", words) if w]
    if len(letters) < 2 or len(parts) < 2 or not words or words[0] != letters[0]:
        return False
    if acronym.lower() in parts:
        return False
    initials = _lcs([w[0] for w in parts], letters)
    if initials < min(2, len(letters) - 1):  # "EX" = execution accuracy: one start is enough
        return False
    pos = 0
    for ch in letters:
        pos = words.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


_ARTICLE = re.compile(r"^(?:the|a|an)\s+(.+)$", re.I)
# Heads that name a kind of thing rather than the thing: "GLUE benchmark" is GLUE, "LoRA modules"
# are LoRA, "pruning techniques" are pruning. Stripping one only proposes a form; an edge needs
# that form to be a known name of the same type.
_HEAD = re.compile(
    r"^(.+?)[\s\-]+(benchmarks?|datasets?|data\s+set|corpus|suite|models?|frameworks?|methods?|"
    r"approach(?:es)?|algorithms?|architectures?|metric|score|tasks?|problems?|networks?|challenge|evaluation|"
    r"techniques?|modules?|layers?|strateg(?:y|ies)|mechanisms?|paradigms?|schemes?)$", re.I)
# Heads that add nothing even to a generic word: "adapter modules" are adapters, "the attention
# mechanism" is attention. Others change a generic word's meaning ("LLM framework" is not an LLM,
# "evaluation benchmark" not an evaluation), so they never link to one.
_PACKAGING_HEADS = frozenset({"module", "modules", "layer", "layers", "method", "methods", "technique",
                              "techniques", "approach", "approaches", "mechanism", "mechanisms"})
# Morphological reasons: the variant is the same word, so it may link two generic words
# ("adapters" -> "adapter", "LLMs" -> "LLM") - see ``cluster._generic_closure``.
R_ARTICLE, R_LEAD_WORD, R_PLURAL, R_PARTICIPLE, R_SPELLING = (
    "leading article dropped", "leading function word dropped", "plural form", "participle form",
    "British/American spelling")
_MORPH_REASONS = frozenset({R_ARTICLE, R_LEAD_WORD, R_PLURAL, R_PARTICIPLE, R_SPELLING})
# Function words no name starts with, left by a span that began one word too early. Not "in"/"on"
# ("in context learning" is not "context learning").
_LEAD_WORD = re.compile(r"^(?:such\s+as|as|and|or|of|for|with|via|using|by|from)\s+(.+)$", re.I)

# Words ending in "s" that are not plurals (or whose "singular" means something else:
# "statistics" is a field, "statistic" one number). "-ss", "-us", "-is", "-ous" are ruled out by rule.
_NOT_PLURAL = frozenset({
    "bias", "gas", "atlas", "canvas", "alias", "lens", "news", "means", "series", "species", "chaos",
    "ethos", "cosmos", "pathos", "physics", "mathematics", "statistics", "economics", "linguistics",
    "analytics", "robotics", "dynamics", "semantics", "genomics", "proteomics", "kinetics", "ethics",
    "graphics", "logistics", "optics", "electronics", "informatics", "pragmatics", "phonetics",
    "acoustics", "mechanics", "aesthetics", "diagnostics", "forensics", "politics", "athletics",
    "thermodynamics", "biomechanics", "bioinformatics", "metabolomics", "transcriptomics",
    "radiomics", "plus", "has", "was", "its", "yes",
})
_IRREGULAR_PLURAL = {
    "indices": "index", "matrices": "matrix", "vertices": "vertex", "analyses": "analysis",
    "hypotheses": "hypothesis", "syntheses": "synthesis", "criteria": "criterion",
    "phenomena": "phenomenon", "appendices": "appendix", "theses": "thesis",
}


def _singular(word: str, *, title: bool = False) -> str | None:
    """English singular of the last word of a name, or None when it is not a safe plural.

    Lower-case words ("networks" -> "network", "strategies" -> "strategy", "approaches" ->
    "approach"), never "class", "loss", "bias", "analysis", "corpus" or a field name such as
    "robotics". An acronym-like plural needs two capitals and a lower-case "s" ("LLMs", "ViTs"),
    so "MOS" and "Transformers" (a library) stay as they are. ``title`` allows a Title-case word
    ("Networks"), which the caller only sets for the last word of a multi-word title-cased phrase
    ("Graph Neural Networks"), never for a one-word coined name.
    """
    low = word.lower()
    if low in _IRREGULAR_PLURAL and (word.islower() or title):
        sing = _IRREGULAR_PLURAL[low]
        return sing if word.islower() else sing.title()
    if not word.endswith("s") or word.endswith(("ss", "us", "is", "ous")) or len(word) < 3:
        return None
    uppers = sum(ch.isupper() for ch in word)
    if word.islower() or (title and word[0].isupper() and word[1:].islower()):
        if len(word) < 4 or low in _NOT_PLURAL:
            return None
        if low.endswith("ies") and len(word) > 4:
            return word[:-3] + "y"
        if low.endswith(("sses", "shes", "ches", "xes", "zzes")):
            return word[:-2]
        return word[:-1]
    if uppers >= 2:  # acronym-like plural with a lower-case s: LLMs, ViTs, GANs
        return word[:-1]
    return None


def _participle_to_gerund(word: str) -> str | None:
    """ "pretrained" -> "pretraining", "fine-tuned"'s "tuned" -> "tuning" (lower-case only).

    A name ending in a participle ("continued pretrained") is the same method as its gerund
    ("continued pretraining"); a wrong guess ("supervised" -> "supervising") is harmless because
    an edge needs the gerund to be a known name.
    """
    if not word.islower() or len(word) < 5 or not word.endswith("ed") or word.endswith("eed"):
        return None
    return word[:-2] + "ing"


def variant_forms(surface: str) -> list[tuple[str, str, int]]:
    """Other spellings a name may be a variant of: ``(form, reason, strength)``.

    Only proposals: an edge is made when the form is itself a known name of the same type.
    """
    out: list[tuple[str, str, int]] = []
    m = _ARTICLE.match(surface)
    if m:
        out.append((m.group(1), R_ARTICLE, ARTICLE))
        surface = m.group(1)
    m = _LEAD_WORD.match(surface)
    if m:  # an extraction leftover: "such as speech recognition (ASR)" -> "as speech recognition"
        out.append((m.group(1), R_LEAD_WORD, ARTICLE))
        surface = m.group(1)
    m = _HEAD.match(surface)
    if m:
        out.append((m.group(1), f"generic head {m.group(2)!r} dropped", HEAD))
    parts = re.split(r"([\s\-]+)", surface)
    words = surface.split()
    title = len(words) >= 2 and all(w[:1].isupper() and (w[1:].islower() or not w[1:].isalpha()) or w.islower()
                                    for w in words) and parts[-1][:1].isupper()
    sing = _singular(parts[-1], title=title)
    if sing:
        out.append(("".join(parts[:-1]) + sing, R_PLURAL, PLURAL))
    ger = _participle_to_gerund(parts[-1])
    if ger:
        out.append(("".join(parts[:-1]) + ger, R_PARTICIPLE, PLURAL))
    us = _american(surface)
    if us != surface:
        out.append((us, R_SPELLING, SPELLING))
    return out


def is_morphological(reason: str) -> bool:
    """True for a variant edge that keeps the word (plural, article, participle, spelling, or a
    packaging head such as "modules"): such an edge may join two forms of a generic word."""
    if reason in _MORPH_REASONS:
        return True
    m = re.fullmatch(r"generic head '(.+)' dropped", reason)
    return bool(m) and m.group(1).lower() in _PACKAGING_HEADS


_BRITISH = [
    (re.compile(r"(?<=[a-z])is(ation|ations|ed|ing|er|ers)\b"), r"iz\1"),  # quantisation, optimiser
    (re.compile(r"\b(model|label|signal|channel|travel|cancel|fuel|tunnel)l(ing|ed|er|ers)\b", re.I), r"\1\2"),
    (re.compile(r"(?<=[a-z])our\b"), "or"),  # behaviour, colour
    (re.compile(r"\bcentre"), "center"),
]


def _american(text: str) -> str:
    """American spelling of a British one ("language modelling" -> "language modeling").

    A wrong guess ("supervised" -> "supervized") is harmless: an edge needs the form to exist.
    """
    for rx, rep in _BRITISH:
        text = rx.sub(rep, text)
    return text


_SIZE_TOKEN = re.compile(
    r"(?:small|base|large|xl|xxl|xxxl|medium|tiny|mini|huge|giant|nano|micro|lite|turbo|instruct|"
    r"chat|it|hf|uncased|cased|\d+(?:\.\d+)?[bmkt](?:/\d+(?:\.\d+)?[bmkt])+|\d+(?:\.\d+)?\s?[bmkt]|\d+x\d+[bm]|[bslhgt]i?/\d+|v\d+(?:\.\d+)*)", re.I)
_VERSION = re.compile(r"v\d+(?:\.\d+)*", re.I)
_PAREN = re.compile(r"\s*\([^()]*\)\s*$")


def parse_variant(name: str, *, letter_families: frozenset[str] = frozenset(),
                  suffix_patterns: dict[str, re.Pattern[str]] | None = None) -> tuple[str, str] | None:
    """Split a model checkpoint name into ``(family, suffix)``: "LLaMA-2 7B" -> ("LLaMA-2", "7B").

    Strips a trailing parenthesis ("(11B)") and then size/flavour tokens from the end (base, large,
    xxl, 7B, 350M, Instruct, Chat, B/16 ...). A version alone ("DeBERTa-v3") is a family of its
    own, not a size. Single-letter sizes ("ViT-B") only count for families flagged
    ``letter_sizes``; family-specific suffixes ("ResNet-50") come from ``families.jsonl``.
    """
    s = clean_name(name)
    suffix: list[str] = []
    m = _PAREN.search(s)
    if m and m.start() > 0:
        suffix.append(s[m.start():].strip())
        s = s[:m.start()]
    while True:
        m = re.match(r"^(.*[A-Za-z0-9.+])[\s\-_]+([^\s\-_]+)$", s)
        if not m:
            break
        tok = m.group(2)
        fam_key = match_key(m.group(1))
        if _SIZE_TOKEN.fullmatch(tok):
            pass
        elif fam_key in letter_families and re.fullmatch(r"(?:[BSLHGT]|Ti)", tok):
            pass
        elif suffix_patterns and fam_key in suffix_patterns and suffix_patterns[fam_key].fullmatch(tok):
            pass
        else:
            break
        suffix.insert(0, tok)
        s = m.group(1)
    real = [t for t in suffix if not _VERSION.fullmatch(t) and not t.startswith("(")]
    if not real and not any(t.startswith("(") and _SIZE_TOKEN.search(t) for t in suffix):
        return None
    if len(match_key(s)) < 2 or not any(ch.isalpha() for ch in s):
        return None
    return s, " ".join(suffix)


def _letters_digits(key: str) -> tuple[str, str]:
    return "".join(ch for ch in key if not ch.isdigit()), "".join(ch for ch in key if ch.isdigit())


def _sentence_case_fold(surfaces: Counter[str]) -> Counter[str]:
    """Count "Fine-tuning" (sentence start) for "fine-tuning" when the lower-case form exists."""
    out: Counter[str] = Counter()
    for s, n in surfaces.items():
        low = s[:1].lower() + s[1:]
        if s != low and not any(ch.isupper() for ch in s[1:]) and low in surfaces:
            out[low] += n
        else:
            out[s] += n
    return out



def _plural_keys(key: str) -> list[str]:
    """Keys of the likely plurals of a lower-case key ("adapter" -> "adapters")."""
    out = [key + "s", key + "es"]
    if key.endswith("y"):
        out.insert(0, key[:-1] + "ies")
    return out


