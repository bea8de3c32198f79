"""names(): names written with capitals inside a word stay whole."""

from __future__ import annotations

import pytest

from newsdesk.analysis.text import names


@pytest.mark.parametrize(("text", "expected"), [
    ("Gov. Ron DeSantis signed it on Friday.", ["ron desantis"]),
    ("Senators Mitch McConnell and Kevin McCarthy spoke.", ["senators mitch mcconnell",
                                                            "kevin mccarthy"]),
    ("It was a win for Beto O'Rourke in El Paso.", ["beto o'rourke", "el paso"]),
    ("The plan of Joe Biden's team went to NATO.", ["joe biden", "nato"]),
    ("Officials said the MacArthur Foundation paid.", ["macarthur foundation"]),
])
def test_names_keep_camel_case_names_whole(text, expected):
    assert names(text) == expected


def test_mcconnell_and_mccarthy_are_different_names():
    assert set(names("A vote for McConnell. A vote for McCarthy.")) == {"mcconnell", "mccarthy"}
