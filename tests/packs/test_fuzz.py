"""Property: whatever an admin's editor does to a pack file, loading never raises."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.packs.loader import load_pack

from .conftest import EXAMPLE

DEMO = (EXAMPLE / "demos" / "renew-loan.yaml").read_bytes()


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    cut=st.integers(min_value=0, max_value=len(DEMO)),
    drop=st.integers(min_value=0, max_value=40),
    insert=st.binary(max_size=12) | st.sampled_from([b": ", b"- ", b"\n  ", b"{", b"&a *a", b"\t"]),
)
def test_mangled_demo_file_never_raises(cut, drop, insert):
    with tempfile.TemporaryDirectory() as tmp:
        pack = Path(tmp) / "pack"
        shutil.copytree(EXAMPLE, pack)
        mangled = DEMO[:cut] + insert + DEMO[cut + drop :]
        (pack / "demos" / "renew-loan.yaml").write_bytes(mangled)
        report = load_pack(pack)
        # A pack loads exactly when it has no problems: a skipped pack always says why.
        assert (report.pack is None) == bool(report.problems)
        for problem in report.problems:
            assert str(problem).startswith(str(pack)) and problem.line >= 0
