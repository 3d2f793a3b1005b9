"""A metric still pinned to the old (pre-0.1) VLM interface: it cannot be installed beside a
current adapter. The bundled example keeps it on purpose so `hpm check` has a conflict to show."""

__version__ = "0.1.0"


def score(candidate: str, reference: str) -> float:
    return float(candidate == reference)
