"""The SPARQL engines a built graph loads into (``kg.query``), named in a module of their own so that
the command line offers them without importing either engine."""

STORES = ("oxigraph", "rdflib")
