"""Immutable records, without the start-up cost of ``@dataclass``.

``@dataclass(frozen=True, slots=True)`` writes each class's ``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` and ``__delattr__`` as
source text and compiles them when the module is imported: 0.5-1.2 ms a class
on CPython 3.11, about twice that on 3.12. The sixteen records loaded before
the first frame cost 10 ms of imports that way (a start measured 18 ms sooner
without them).

A :class:`Record` subclass annotates its fields as usual, names them in
``__slots__`` too, and writes its own ``__init__``, which sets them with
``object.__setattr__``; everything else comes from here, with no code compiled
at import: equality and hashing by value (only with a record of the same
class), a ``repr`` naming each field, immutability, pickling (records cross to
worker processes) and :meth:`replace`.
"""

from __future__ import annotations

import inspect
from operator import attrgetter
from typing import Any, ClassVar, Self


class FrozenRecordError(AttributeError):
    """A field of a record was assigned or deleted: records do not change."""


def _restore(cls: type[Record], values: tuple[Any, ...]) -> Record:
    record = object.__new__(cls)
    for name, value in zip(cls._fields, values, strict=True):
        object.__setattr__(record, name, value)
    return record


class Record:
    """Base of immutable value records; see the module's docstring."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    """Every field, base classes' first, in the order they are annotated."""
    _values: ClassVar[Any]
    """A function from a record to the tuple of its field values."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields: list[str] = []
        for klass in reversed(cls.__mro__[: cls.__mro__.index(Record)]):
            names = list(inspect.get_annotations(klass))
            slots = klass.__dict__.get("__slots__", ())
            if set(names) != set((slots,) if isinstance(slots, str) else slots):
                raise TypeError(f"{klass.__qualname__}: __slots__ must name each annotated field")
            fields.extend(names)
        cls._fields = tuple(fields)
        if len(fields) > 1:
            cls._values = staticmethod(attrgetter(*fields))
        else:  # attrgetter of one name gives the value itself, not a tuple
            one = attrgetter(*fields) if fields else None
            cls._values = staticmethod(lambda record: (one(record),) if one else ())

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenRecordError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenRecordError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(self._values(self) == self._values(other))

    def __hash__(self) -> int:
        return hash(self._values(self))

    def __repr__(self) -> str:
        pairs = zip(self._fields, self._values(self), strict=True)
        return f"{type(self).__qualname__}({', '.join(f'{n}={v!r}' for n, v in pairs)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return _restore, (type(self), self._values(self))

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` (field name to new value) made."""
        values = dict(zip(self._fields, self._values(self), strict=True))
        unknown = changes.keys() - values.keys()
        if unknown:
            raise TypeError(f"{type(self).__qualname__} has no field {sorted(unknown)[0]!r}")
        values.update(changes)
        return type(self)(**values)
