"""Text folding shared by indexing and querying, so "Bières" and "biere" meet."""

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text):
    """Lower case, no accents, no punctuation: "Montreuil-sur-Mer" -> "montreuil sur mer"."""
    lowered = (text or "").lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", lowered)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", ascii_text).strip()


def stem(word):
    """A light French stem: plural marks dropped ("pommes" -> "pomme", "choux" -> "chou")."""
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


def normalize(text):
    """Folded and stemmed words, space-separated, each word once, as stored for search."""
    words = dict.fromkeys(stem(word) for word in fold(text).split())
    return " ".join(words)


def query_terms(text):
    """The stems of a visitor's query; each must appear in the producer's search text."""
    return [stem(word) for word in fold(text).split() if len(word) > 1]


def producer_search_text(title, producer_names, summary, commune_name, products, signs):
    """What a visitor may type to find a producer, folded: the text stored for search.

    `products` are (category, notes) pairs with each category's parent loaded; `signs` are
    the quality signs of the farm and of its products, each once. Shared by
    ProducerPage.save() and the bulk generator.
    """
    parts = [title, producer_names, summary, commune_name]
    for category, notes in products:
        parts += [category.name, category.name_en, notes]
        if category.parent_id:
            parts += [category.parent.name, category.parent.name_en]
    parts += sorted(sign.name for sign in signs)
    # The leading space lets the search match the start of any word (" ail" not "bailleul").
    return " " + normalize(" ".join(part for part in parts if part))
