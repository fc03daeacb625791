"""Split search text into terms, find the operator in each, and define ``SearchSyntaxError``.

Terms are separated by spaces outside double quotes. Each term records which of its
characters were quoted, so that an operator character inside quotes stays part of a value.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR_MAX_LENGTH = 300
# A pasted paragraph as one term would leave no room for the reason in the message.
TERM_MAX_LENGTH = 80
# Each term becomes a criterion in the request URL, and the free words are repeated once
# per text field, so a long search makes a long URL.
SEARCH_MAX_TERMS = 20
SEARCH_MAX_LENGTH = 500
NARROW_HINT = "Narrow the search to fewer, more specific terms."

# Each operator with its condition. Two-character operators come first so that
# ">=" is not read as ">" followed by a value starting with "=".
OPERATORS: tuple[tuple[str, str], ...] = (
    ("!=", "is not"),
    ("!~", "not contains"),
    (">=", "greater or equal"),
    ("<=", "lesser or equal"),
    ("=", "is"),
    ("~", "contains"),
    (">", "greater than"),
    ("<", "lesser than"),
)
OPERATOR_CHARACTERS = frozenset("=!~<>")
# Phones turn straight quotes into curly ones as people type, so all of them count as quotes.
CURLY_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"'})


class SearchSyntaxError(ValueError):
    """A search term that cannot be parsed. ``str()`` names the term and the reason."""

    def __init__(self, term: str, reason: str) -> None:
        self.term = term
        self.reason = reason
        display_term = _clip(term, TERM_MAX_LENGTH)
        super().__init__(_clip(f"`{display_term}`: {reason}", ERROR_MAX_LENGTH))


@dataclass(frozen=True)
class _Term:
    """One space-separated term without its quotes. ``quoted`` flags each quoted character."""

    raw: str
    chars: str
    quoted: tuple[bool, ...]

    def unquoted_at(self, index: int, text: str) -> bool:
        end = index + len(text)
        return self.chars[index:end] == text and not any(self.quoted[index:end])


def _limited_terms(text: str) -> list[_Term]:
    """Split the search into terms, or raise if it is too long or has too many terms."""
    if len(text.strip()) > SEARCH_MAX_LENGTH:
        raise SearchSyntaxError(
            text.strip(),
            f"a search can be at most {SEARCH_MAX_LENGTH} characters long, and this one "
            f"has {len(text.strip())}. {NARROW_HINT}",
        )

    terms = _split_terms(text)
    if len(terms) > SEARCH_MAX_TERMS:
        raise SearchSyntaxError(
            terms[SEARCH_MAX_TERMS].raw,
            f"a search can have at most {SEARCH_MAX_TERMS} terms, and this one has "
            f"{len(terms)}. {NARROW_HINT}",
        )
    return terms


def _split_terms(text: str) -> list[_Term]:
    """Split on spaces outside double quotes, remembering which characters were quoted.

    ``shlex`` is not used because it drops the quotes without saying where they were, and the
    parser needs that to tell ``"a=b"`` (free text) from ``a=b`` (a field term).
    """
    source = text.translate(CURLY_QUOTES)
    terms: list[_Term] = []
    chars: list[str] = []
    quoted: list[bool] = []
    in_quotes = False
    start: int | None = None

    for index, char in enumerate(source):
        if char.isspace() and not in_quotes:
            if start is not None:
                terms.append(_Term(source[start:index], "".join(chars), tuple(quoted)))
                chars, quoted, start = [], [], None
            continue

        if start is None:
            start = index
        if char == '"':
            in_quotes = not in_quotes
        else:
            chars.append(char)
            quoted.append(in_quotes)

    if in_quotes:
        raise SearchSyntaxError(source[start:], 'the closing double quote (") is missing.')
    if start is not None:
        terms.append(_Term(source[start:], "".join(chars), tuple(quoted)))
    return terms


def _find_operator(term: _Term) -> tuple[int, str, str] | None:
    """Return the position, operator and condition of the first unquoted operator."""
    for index, char in enumerate(term.chars):
        if char not in OPERATOR_CHARACTERS or term.quoted[index]:
            continue
        for operator, condition in OPERATORS:
            if term.unquoted_at(index, operator):
                return index, operator, condition
    return None


def _clip(message: str, limit: int) -> str:
    return message if len(message) <= limit else message[: limit - 1].rstrip() + "…"
