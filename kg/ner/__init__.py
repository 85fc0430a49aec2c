"""govkg's trained NER model: training data (``data``), training (``train``), the
shipped model and ``kg ner`` (``model``). The pipeline component that offers the
model's entities to the rules is ``kg.pipeline.ner_candidates``. ``kg/ner/README.md``
describes the data; ``docs/ner.md`` the model and its policy."""
