"""The base of govkg's rule components: settings from the spaCy config, lexicons loaded in ``initialize``.

As with spaCy's ``span_ruler``, a factory's ``default_config`` names the
component's resource files and limits; ``resources`` is the folder they are
read from (``null``: the packaged ``kg/resources``). Nothing is read before
``nlp.initialize()``, so a test can build a component over a folder holding
a tiny lexicon.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacy.language import Language
from spacy.training import Example

from kg import segmenter
from kg.lexicon import Lexicon, lexicon

from .spans import register_extensions


class RuleComponent:
    """A pipeline component whose data comes from a lexicon folder.

    Its settings (the keyword arguments: resource file names and limits, as in
    the factory's config) become attributes of the same names; each subclass
    declares them with their types.
    """

    def __init__(self, nlp: Language, name: str, *, resources: str | None = None, **settings: object) -> None:
        register_extensions()
        self.nlp = nlp
        self.name = name
        self.resources = resources
        self._lexicon: Lexicon | None = None
        for key, value in settings.items():
            setattr(self, key, value)

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None) -> None:
        """Read and compile the component's lexicons; make jieba's dictionary and parts of speech ready."""
        segmenter.tagger()  # the prefix dictionary and the parts of speech
        self._lexicon = lexicon(self.resources)
        self.load(self._lexicon)

    def load(self, lexicon: Lexicon) -> None:
        """Compile what the component needs from ``lexicon`` (patterns, tables)."""

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            raise ValueError(f"{self.name}: the lexicons are not loaded; call nlp.initialize() first")
        return self._lexicon
