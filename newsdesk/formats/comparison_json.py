"""A story's comparison as JSON for tools: every figure with its evidence, as analysed.

The same text is the store's cached comparison (`analysis.framing.comparison_from_dict`
reads it back), so this shape changes only with the analysis.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from newsdesk.analysis.framing import Comparison


def to_json(label: str, comparison: Comparison) -> str:
    """The comparison as indented JSON under its story's label."""
    def default(value: Any) -> Any:
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    return json.dumps({"story": label, **asdict(comparison)}, default=default,
                      ensure_ascii=False, indent=2)
