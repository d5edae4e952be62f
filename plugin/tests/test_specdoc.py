"""The generated checkpoint pages (docs/spec/*.md) are what the lab folders say, and the
generator pairs every checkpoint of lab.yaml with exactly one test, reading it without
running it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from pytest_kubelab.spec import load_spec
from pytest_kubelab.specdoc import SpecDocError, checkpoint_tests_of, main, render

REPO = Path(__file__).resolve().parents[2]
FOLDERS = {
    "observability": REPO / "tests" / "lab1_observability",
    "kubecost": REPO / "tests" / "lab1_kubecost",
    "webapp": REPO / "examples" / "webapp_lab",
}


@pytest.mark.parametrize("lab", sorted(FOLDERS))
def test_the_generated_page_is_up_to_date(lab: str, capsys: pytest.CaptureFixture[str]) -> None:
    page = REPO / "docs" / "spec" / f"{lab}.md"
    status = main([str(FOLDERS[lab]), "--check", str(page)])
    assert status == 0, capsys.readouterr().err


@pytest.mark.parametrize("lab", sorted(FOLDERS))
def test_every_checkpoint_has_one_test_with_a_description(lab: str) -> None:
    spec = load_spec(FOLDERS[lab] / "lab.yaml")
    tests = checkpoint_tests_of(spec)
    assert sorted(tests) == sorted(c.id for c in spec.checkpoints)
    undocumented = [cid for cid, test in tests.items() if not test.docstring]
    assert not undocumented
    page = render(spec)
    for test in tests.values():
        assert f"Description: {test.description.en}\n" in page
        assert f"설명: {test.description.ko}\n" in page
        assert test.body and test.body in page  # the assertion itself, not only its name


def _lab(tmp_path: Path, tests: str) -> Path:
    (tmp_path / "lab.yaml").write_text(
        textwrap.dedent(
            """\
            lab: tiny
            title: {ko: 작은 실습, en: A tiny lab}
            expected: {port: 30090}
            checkpoints:
              - id: t.1.a
                step: 1
                points: 1
                title: {ko: 가, en: A}
                hint: {ko: 힌트, en: hint}
              - id: t.1.b
                step: 1
                points: 2
                title: {ko: 나, en: B}
                hint: {ko: 힌트, en: hint}
            """
        ),
        encoding="utf-8",
    )
    (tmp_path / "test_tiny.py").write_text(textwrap.dedent(tests), encoding="utf-8")
    return tmp_path / "lab.yaml"


def test_the_body_is_shown_without_the_docstring_and_nothing_is_imported(tmp_path: Path) -> None:
    spec = load_spec(
        _lab(
            tmp_path,
            '''\
            import pytest
            raise RuntimeError("importing the lab's tests would run this")

            @pytest.mark.checkpoint("t.1.a")
            def test_a(lab):
                """Port 30090 answers."""
                assert lab.expected["port"] == 30090, "wrong port"

            @pytest.mark.checkpoint("t.1.b")
            def test_b(lab):
                """B holds
                (``b`` is set).

                ko: B가
                맞습니다.
                """
                lab.require(check_b())
            ''',
        )
    )
    page = render(spec)
    assert "Description: Port 30090 answers.\n" in page
    assert "설명: (none: Korean runs show the English description)\n" in page
    # Each description on one line, literals as `code`: as the report shows them.
    assert "Description: B holds (`b` is set).\n\n설명: B가 맞습니다.\n" in page
    assert '```python\nassert lab.expected["port"] == 30090, "wrong port"\n```' in page
    assert "### `t.1.b` — B (2 points)" in page
    assert "port: 30090" in page  # the expected values are shown


def test_a_checkpoint_without_a_test_or_with_two_is_named(tmp_path: Path) -> None:
    one_missing = textwrap.dedent(
        '''\
        import pytest

        @pytest.mark.checkpoint("t.1.a")
        def test_a(lab):
            """A."""
            assert True
        '''
    )
    with pytest.raises(SpecDocError, match=r"without a test: t\.1\.b"):
        checkpoint_tests_of(load_spec(_lab(tmp_path, one_missing)))
    doubled = one_missing + textwrap.dedent(
        '''
        @pytest.mark.checkpoint("t.1.a")
        def test_again(lab):
            """A again."""
            assert True
        '''
    )
    with pytest.raises(SpecDocError, match=r"t\.1\.a has two tests: .*test_a and .*test_again"):
        checkpoint_tests_of(load_spec(_lab(tmp_path, doubled)))


def test_check_names_a_stale_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "page.md"
    stale.write_text("old\n", encoding="utf-8")
    assert main([str(FOLDERS["webapp"]), "--check", str(stale)]) == 1
    assert "out of date; regenerate it with" in capsys.readouterr().err


def test_the_build_fixtures_of_each_test_are_shown(tmp_path: Path) -> None:
    spec = load_spec(
        _lab(
            tmp_path,
            '''\
            import pytest

            pytestmark = [pytest.mark.usefixtures("cluster"), pytest.mark.slow]

            @pytest.mark.checkpoint("t.1.a")
            def test_a(lab):
                """A."""
                assert True

            @pytest.mark.usefixtures("web", "cluster")
            @pytest.mark.checkpoint("t.1.b")
            def test_b(lab):
                """B."""
                assert True
            ''',
        )
    )
    tests = checkpoint_tests_of(spec)
    assert tests["t.1.a"].fixtures == ("cluster",)
    assert tests["t.1.b"].fixtures == ("cluster", "web")  # the file's first, once each
    assert "Build fixtures: `cluster`, `web`. Test: `test_tiny.py::test_b`." in render(spec)
