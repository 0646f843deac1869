"""The instruments: each module of this package declares one `INSTRUMENT`; the registry finds them."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from assessments.instruments.base import Instrument


@cache
def registry() -> dict[str, Instrument]:
    found: dict[str, Instrument] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        instrument = getattr(module, "INSTRUMENT", None)
        if isinstance(instrument, Instrument):
            if instrument.code in found:
                raise RuntimeError(f"two instruments share the code {instrument.code}")
            found[instrument.code] = instrument
    return dict(sorted(found.items()))


def get(code: str) -> Instrument:
    return registry()[code]
