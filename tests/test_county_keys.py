"""The county key's sealing and the blind index of names, as properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from county.keys import CountyKey, SealedValueError, normalise_name

KEY = CountyKey(bytes(range(32)))
names = st.text(alphabet=st.sampled_from("王李张欧阳秀英桂兰明·  Maríaxé"), min_size=1,
                max_size=12)


@settings(max_examples=200, deadline=None)
@given(names, st.data())
def test_every_part_of_a_name_is_found_by_its_grams(name: str, data: st.DataObject) -> None:
    n = normalise_name(name)
    if not n:
        return
    start = data.draw(st.integers(0, len(n) - 1))
    end = data.draw(st.integers(start + 1, len(n)))
    assert KEY.query_grams(n[start:end]) <= KEY.name_grams(name)


def test_normalising_and_what_does_not_match() -> None:
    assert normalise_name("阿依古丽·买买提") == "阿依古丽买买提"
    assert KEY.query_grams("阿依古丽买买提") <= KEY.name_grams("阿依古丽·买买提")
    assert KEY.query_grams("MARIA") <= KEY.name_grams("maria Lopez")
    assert KEY.query_grams("Ｍａｒｉａ") == KEY.query_grams("maria")  # full-width letters
    assert not KEY.query_grams("秀张") <= KEY.name_grams("张秀英")
    assert KEY.query_grams(" · ") == set()
    other = CountyKey(bytes(32))
    assert KEY.name_grams("张秀英").isdisjoint(other.name_grams("张秀英"))


@given(st.text(max_size=200))
def test_sealed_values_open_only_in_their_column_and_with_their_key(text: str) -> None:
    sealed = KEY.seal(text, "claims.body")
    assert sealed.startswith("s1:") and KEY.open(sealed, "claims.body") == text
    assert KEY.seal(text, "claims.body") != sealed  # a fresh nonce each time
    with pytest.raises(SealedValueError):
        KEY.open(sealed, "claims.resident_name")
    with pytest.raises(SealedValueError):
        CountyKey(bytes(32)).open(sealed, "claims.body")
    with pytest.raises(SealedValueError):
        KEY.open(text if not text.startswith("s1:") else "x", "claims.body")
    with pytest.raises(SealedValueError):
        KEY.open(sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB"),
                 "claims.body")
