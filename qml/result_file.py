"""Result files: one convention for everything qlimits saves.

Every result type -- the VQC model file (``VQC.save``), ``QuantumVolumeResult``,
``Comparison``, ``Projection`` and ``VerificationCost`` -- inherits ``ResultFile`` and so has
the same four methods:

* ``to_dict()``: a JSON-ready dict that starts with a stamp: ``format`` (a name such as
  ``"qlimits.quantum_volume"``), ``format_version`` (an integer, raised whenever the layout
  changes) and ``qlimits_version`` (the package version that wrote it);
* ``from_dict(doc)``: checks the stamp (another format, or a version newer than this qlimits
  reads, is refused), upgrades an older version, validates the document against the type's
  JSON Schema (``SCHEMA``), and builds the object;
* ``save(path)``: writes ``to_dict()`` as JSON through ``atomic_write`` -- a crash leaves the
  old file or the new one, never half of one -- and returns the path;
* ``load(path)``: reads the file and hands it to ``from_dict``.

Whatever is wrong with a file (missing, a folder, binary, truncated, another format, a newer
version, a field of the wrong type), reading it raises one ``ResultFileError`` whose message
names the file and the problem. Reading and writing go through ``qml.files`` (the bounded
reader and the atomic writer behind every file qlimits touches).

Examples
--------
>>> import tempfile, os
>>> from dataclasses import dataclass
>>> @dataclass
... class Score(ResultFile):
...     FORMAT = "example.score"
...     SCHEMA = document_schema({"value": {"type": "number"}}, required=["value"])
...     value: float
...     def _to_body(self):
...         return {"value": self.value}
...     @classmethod
...     def _from_body(cls, body):
...         return cls(body["value"])
>>> path = Score(0.5).save(os.path.join(tempfile.mkdtemp(), "score.json"))
>>> Score.load(path)
Score(value=0.5)
>>> Score.from_dict({"format": "example.score", "format_version": 1, "value": "high"})
Traceback (most recent call last):
...
qml.errors.ResultFileError: <dict>: field 'value': 'high' is not of type 'number'
"""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from qml.errors import ResultFileError
from qml.files import MAX_JSON_DEPTH, as_path, atomic_write, json_depth, read_json, to_json_text
from qml.version import __version__

__all__ = ["ResultFile", "check_stamp", "validate_document", "document_schema"]

logger = logging.getLogger(__name__)

_STAMP = {
    "format": {"type": "string"},
    "format_version": {"type": "integer", "minimum": 0},
    "qlimits_version": {"type": "string"},
}


def document_schema(properties: dict, required: list[str] = (), **extra) -> dict:
    """The JSON Schema of a result document: the stamp fields plus ``properties``.

    Examples
    --------
    >>> sorted(document_schema({"x": {"type": "number"}}, ["x"])["required"])
    ['format', 'format_version', 'x']
    """
    return {"type": "object", "properties": {**_STAMP, **properties},
            "required": ["format", "format_version", *required], **extra}


@cache
def _validator(schema_json: str):
    from jsonschema import Draft202012Validator, validators

    # to_dict() output may hold tuples where the file holds lists: both are JSON arrays; an
    # integer field holds an integer, not 2.0 (JSON Schema's "integer" admits it, and a width
    # or a count read as a float is not one: Hypothesis found a QV width of 1.0 loading)
    checker = Draft202012Validator.TYPE_CHECKER.redefine_many({
        "array": lambda _, value: isinstance(value, (list, tuple)),
        "integer": lambda _, value: isinstance(value, int) and not isinstance(value, bool)})
    cls = validators.extend(Draft202012Validator, type_checker=checker)
    return cls(json.loads(schema_json))


def _where(error) -> str:
    parts = ""
    for item in error.absolute_path:
        parts += f"[{item}]" if isinstance(item, int) else (f".{item}" if parts else item)
    return f"field '{parts}'" if parts else "the document"


def check_stamp(doc: Any, fmt: str, version: int, source: str = "<dict>",
                unstamped_version: int | None = None) -> int:
    """Check a document's stamp; return its format version.

    Refuses a document that is not a JSON object, of another format, or of a version newer
    than ``version``. A document without a stamp is taken as ``unstamped_version`` when given
    (files written before the format had one), else refused.

    Raises
    ------
    ResultFileError
        Naming ``source`` and the problem.

    Examples
    --------
    >>> check_stamp({"format": "a", "format_version": 1}, "a", 1)
    1
    >>> check_stamp({"format": "b", "format_version": 1}, "a", 1, "x.json")
    Traceback (most recent call last):
    ...
    qml.errors.ResultFileError: x.json: a 'b' file, not a 'a' file
    """
    if not isinstance(doc, dict):
        raise ResultFileError(f"{source}: expected a JSON object (a {fmt!r} file); got "
                              f"{type(doc).__name__}")
    if "format" not in doc and unstamped_version is not None:
        return unstamped_version
    if doc.get("format") != fmt:
        what = (f"a {doc['format']!r} file" if isinstance(doc.get("format"), str)
                else "no 'format' field")
        raise ResultFileError(f"{source}: {what}, not a {fmt!r} file")
    found = doc.get("format_version")
    if not isinstance(found, int) or isinstance(found, bool) or found < 0:
        raise ResultFileError(f"{source}: format_version must be a whole number; got {found!r}")
    if found > version:
        raise ResultFileError(
            f"{source}: format version {found} of {fmt!r} was written by a newer qlimits "
            f"({doc.get('qlimits_version', 'unknown')}); this qlimits {__version__} reads "
            f"versions up to {version}: upgrade qlimits")
    return found


def validate_document(doc: Any, schema: dict, source: str = "<dict>") -> None:
    """Validate ``doc`` against a JSON Schema; the first (most relevant) violation becomes a
    ``ResultFileError`` naming ``source`` and the field.

    Examples
    --------
    >>> validate_document({"n": "two"}, {"properties": {"n": {"type": "integer"}}}, "f.json")
    Traceback (most recent call last):
    ...
    qml.errors.ResultFileError: f.json: field 'n': 'two' is not of type 'integer'
    """
    from jsonschema.exceptions import best_match

    validator = _validator(json.dumps(schema, sort_keys=True))
    error = best_match(validator.iter_errors(doc))
    if error is not None:
        raise ResultFileError(f"{source}: {_where(error)}: {error.message}")


class ResultFile:
    """Base of every saved result: ``to_dict``/``from_dict``, ``save``/``load``.

    A subclass sets ``FORMAT`` (its format name), ``FORMAT_VERSION`` and ``SCHEMA`` (the JSON
    Schema of its documents, from ``document_schema``) and implements two hooks:
    ``_to_body()`` (its fields as JSON-ready values) and ``_from_body(doc)`` (the object from
    a validated document). ``_upgrade(doc, version)`` turns a document of an older format
    version into the current layout; ``UNSTAMPED_VERSION`` is the version assumed for a file
    written before the format had a stamp (None: such files are refused).
    """

    FORMAT: ClassVar[str]
    FORMAT_VERSION: ClassVar[int] = 1
    SCHEMA: ClassVar[dict]
    UNSTAMPED_VERSION: ClassVar[int | None] = None

    def _to_body(self) -> dict:  # pragma: no cover - every subclass implements it
        raise NotImplementedError

    @classmethod
    def _from_body(cls, doc: dict):  # pragma: no cover - every subclass implements it
        raise NotImplementedError

    @classmethod
    def _upgrade(cls, doc: dict, version: int) -> dict:
        """A document of format ``version`` in the current layout (default: unchanged)."""
        return doc

    def to_dict(self) -> dict:
        """The result as a JSON-ready dict, stamped with its format, format version and the
        qlimits version."""
        return {"format": self.FORMAT, "format_version": self.FORMAT_VERSION,
                "qlimits_version": __version__, **self._to_body()}

    @classmethod
    def from_dict(cls, doc: dict, *, source: str = "<dict>"):
        """Build the result from ``to_dict()`` output (or a parsed file), validated.

        Raises
        ------
        ResultFileError
            If the document is of another format or a newer version, or breaks the schema;
            the message starts with ``source``.
        """
        if json_depth(doc) > MAX_JSON_DEPTH:
            raise ResultFileError(f"{source}: nested deeper than any {cls.FORMAT} document "
                                  f"({MAX_JSON_DEPTH} levels)")
        version = check_stamp(doc, cls.FORMAT, cls.FORMAT_VERSION, source,
                              cls.UNSTAMPED_VERSION)
        if version != cls.FORMAT_VERSION:
            logger.info("%s: upgrading %s format version %s to %s", source, cls.FORMAT,
                        version, cls.FORMAT_VERSION)
            doc = {**cls._upgrade(dict(doc), version), "format": cls.FORMAT,
                   "format_version": cls.FORMAT_VERSION}
        validate_document(doc, cls.SCHEMA, source)
        try:
            return cls._from_body(doc)
        except ResultFileError:
            raise
        except (KeyError, TypeError, ValueError, IndexError, OverflowError) as exc:
            raise ResultFileError(f"{source}: inconsistent {cls.FORMAT} document "
                                  f"({type(exc).__name__}: {exc})") from exc

    def save(self, path) -> Path:
        """Write ``to_dict()`` to ``path`` as JSON, atomically; returns the path."""
        return atomic_write(as_path(path), to_json_text(self.to_dict()))

    @classmethod
    def load(cls, path):
        """Read a file written by ``save``.

        Raises
        ------
        ResultFileError
            Naming the file and what is wrong with it.
        """
        return cls.from_dict(read_json(path), source=str(path))
