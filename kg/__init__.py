"""govkg: a knowledge graph of Chinese local governance from news articles.

Data flows one way: ``corpus`` (read articles) -> ``normalize`` (text map)
-> ``pipeline`` (spaCy components: entities and relations on a ``Doc``)
-> ``extract`` (records) -> ``resolve`` (canonical entities per article)
-> ``graph`` (networkx) -> ``export`` (Turtle, GEXF, GraphML, HTML).
``build`` runs the whole flow; ``cli`` is a thin click layer over it.
"""

__version__ = "0.1.0"
