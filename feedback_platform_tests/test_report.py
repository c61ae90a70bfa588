"""`feedback-platform report` on the sample platform: one HTML page, readable offline, with its charts and
tables; opened in headless Chromium (Debian's, driven by Playwright) where it is installed."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import sync_playwright

from feedback_platform.cli.main import main
from feedback_platform_tests.conftest import SamplePlatform
from feedback_platform_tests.platform_copy import cli_env

CHROMIUM = Path("/usr/bin/chromium")
SECTIONS = [
    "Quality over time",
    "Weakest cohorts",
    "Least certain cohorts",
    "Comparisons",
    "Failure themes",
    "Conversion to training data",
]


class _Elements(HTMLParser):
    """Counts the page's elements and collects its headings and every attribute that could fetch something."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, int] = {}
        self.headings: list[str] = []
        self.fetching: list[str] = []
        self._in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.counts[tag] = self.counts.get(tag, 0) + 1
        self._in_heading = tag == "h2"
        self.fetching += [
            f"{tag} {name}={value}" for name, value in attrs if name in {"src", "href", "xlink:href"}
        ]

    def handle_data(self, data: str) -> None:
        if self._in_heading:
            self.headings.append(data)
            self._in_heading = False


@pytest.fixture(scope="module")
def report(sample_platform: SamplePlatform, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    result = CliRunner().invoke(main, ["report", "--out", str(out)], env=cli_env(sample_platform.settings))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {out / 'index.html'}")
    return out / "index.html"


# Guards the report's content: every section, a chart per model and prompt-version view and the conversion
# (each a line per value, with its interval band), tables, and nothing fetched from anywhere.
def test_report_has_its_sections_charts_and_fetches_nothing(report: Path) -> None:
    page = _Elements()
    page.feed(report.read_text(encoding="utf-8"))
    assert page.headings == SECTIONS
    assert page.counts["svg"] == 3
    assert page.counts["polyline"] >= 4 + 3 + 1  # four models, three prompt versions, the conversion
    assert page.counts["polygon"] >= 4 + 3  # their Wilson bands
    assert page.counts["table"] >= 3  # uncertain cohorts and the two comparisons (the sample ranks no weak
    # cohort and has no theme: those sections say "None.")
    assert page.fetching == [] and "<script" not in report.read_text(encoding="utf-8")


# Guards "opens in a browser with its charts": headless Chromium renders the page's charts with a size.
@pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (Debian package chromium)")
def test_report_opens_in_a_browser_with_its_charts(report: Path) -> None:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        tab = browser.new_page()
        tab.goto(report.as_uri())
        boxes = [chart.bounding_box() for chart in tab.query_selector_all("svg.chart")]
        lines = tab.query_selector_all("svg.chart polyline")
        title = tab.title()
        browser.close()
    assert title == "feedback_platform report"
    assert len(boxes) == 3 and all(
        box is not None and box["width"] > 600 and box["height"] > 200 for box in boxes
    )
    assert len(lines) >= 8
