"""govkg's trained NER model: training data (``data``), training (``train``), the
shipped model and ``kg ner`` (``model``) and the pipeline component (``component``).
``kg/ner/README.md`` describes the data; ``docs/ner.md`` the model and its policy."""
