"""YAML as the knowledge files mean it: only ``true`` and ``false`` are booleans.

PyYAML reads YAML 1.1, where ``on``, ``off``, ``yes``, ``no``, ``y`` and ``n`` are booleans too,
so a lexicon line such as ``call: [on, for]`` loads as ``[True, "for"]`` and the preposition is
silently lost (as is Norway's ``NO``). Every data file and user file newsdesk reads goes through
:func:`load_yaml`, which resolves booleans as YAML 1.2 does and is otherwise ``yaml.safe_load``.
"""

from __future__ import annotations

import re
from typing import IO, Any

import yaml

YAMLError = yaml.YAMLError

_BOOL = "tag:yaml.org,2002:bool"


class _Loader(yaml.SafeLoader):
    """``yaml.SafeLoader`` with YAML 1.2 booleans."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_yaml(stream: str | bytes | IO[str]) -> Any:
    """Parse one YAML document (see the module for how it differs from ``yaml.safe_load``)."""
    return yaml.load(stream, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def one_line(error: Exception) -> str:
    """A YAML (or I/O) error as one line: PyYAML spreads its messages over several."""
    return " ".join(str(error).split())
