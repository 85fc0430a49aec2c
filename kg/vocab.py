"""govkg's own RDF terms. GENERATED from ontology/govkg.ttl by scripts/generate_vocab.py: do not edit.

A closed namespace: ``GOVKG.Programme`` works, a misspelt ``GOVKG.Programe`` raises.
"""

from rdflib.namespace import ClosedNamespace

GOVKG = ClosedNamespace(
    "https://w3id.org/govkg/ontology#",
    [
        "AdministrativeDivision",
        "Article",
        "Award",
        "BylineRole",
        "DisciplineEvent",
        "Evidence",
        "Honour",
        "Place",
        "Programme",
        "announcedBy",
        "articleCount",
        "correspondent",
        "disciplined",
        "divisionCode",
        "editor",
        "endOffset",
        "eventType",
        "firstSeen",
        "honour",
        "identityNote",
        "jurisdiction",
        "lastSeen",
        "level",
        "page",
        "partOf",
        "period",
        "photo",
        "recipient",
        "reporter",
        "rule",
        "runs",
        "sentence",
        "startOffset",
        "status",
        "succeeds",
        "year",
    ],
)
