"""What a browser shows: headless Chromium (Debian's chromium, .ci/run installs it) against kg serve and kg site.

Chromium's own --dump-dom prints the page as the browser holds it after running its
JavaScript (--virtual-time-budget lets the query page send its query and draw the
answer); --screenshot draws it. With --update-screenshots the screenshots replace the
ones in docs/ that docs/web.md shows.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # headless Chromium

DOCS = Path(__file__).resolve().parent.parent / "docs"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("the browser tests need Debian's chromium: apt-get install -y chromium (.ci/run does it)")
    return found


def browse(url: str, tmp_path, screenshot=None, budget_ms: int = 10000, size=(1280, 1400)) -> str:
    """The DOM of ``url`` after the page's scripts ran for ``budget_ms`` of virtual time; and a screenshot."""
    common = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--no-first-run", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}",
              f"--window-size={size[0]},{size[1]}", f"--virtual-time-budget={budget_ms}"]
    dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    if screenshot is not None:
        shot = subprocess.run([*common, f"--screenshot={screenshot}", url], capture_output=True, timeout=120)
        assert shot.returncode == 0 and screenshot.stat().st_size > 10_000, shot.stderr[-2000:]
    return dom.stdout


def keep_screenshot(request, made, name: str) -> None:
    if request.config.getoption("--update-screenshots"):
        shutil.copyfile(made, DOCS / name)


def test_a_rounds_page_shows_its_label_and_its_observers_link_to_their_pages(web_server, tmp_path, request):
    shot = tmp_path / "round.png"
    dom = browse(f"{web_server}/resource/round-07", tmp_path, screenshot=shot)
    assert re.search(r'<h1 id="label">Round 7</h1>', dom)
    rows = re.findall(r'<tr class="fact"><td><a href="/ontology#hasObserver"[^>]*>has observer</a>.*?</tr>', dom, re.S)
    linked = sorted(re.search(r'<td><a href="(/resource/[^"]+)"[^>]*>([^<]+)</a>', row).groups() for row in rows)
    assert linked == [("/resource/jordan", "Jordan"), ("/resource/united-nations", "United Nations"),
                      ("/resource/united-states", "United States")]
    observer_page = browse(f"{web_server}{linked[0][0]}", tmp_path)
    assert '<h1 id="label">Jordan</h1>' in observer_page
    keep_screenshot(request, shot, "web-round-07.png")


def test_a_saved_query_on_the_query_page_returns_rows_linked_to_resource_pages(web_server, tmp_path, request):
    shot = tmp_path / "query.png"
    dom = browse(f"{web_server}/query?example=observers-of-round", tmp_path, screenshot=shot)
    assert "6 results" in dom  # YASR's count of the rows the endpoint answered
    results = dom[dom.index('class="yasr'):]
    observers = re.findall(r'<a class="iri" href="(/resource/[a-z-]+)"[^>]*>(res:[a-z-]+)</a>', results)
    assert sorted(set(observers)) == [("/resource/jordan", "res:jordan"),
                                      ("/resource/united-nations", "res:united-nations"),
                                      ("/resource/united-states", "res:united-states")]
    keep_screenshot(request, shot, "web-query.png")


def test_a_static_page_opened_from_disk_renders(tmp_path, request):
    output = tmp_path / "site"
    # The installed command, so that what it writes to the terminal is seen (pyLODE once logged there).
    done = subprocess.run([str(Path(sys.executable).with_name("kg")), "site", "--output", str(output)],
                          capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stderr) == (0, "")
    assert re.fullmatch(rf"Wrote \d+ files to {re.escape(str(output))}: \d+ resource pages, .*\.\n", done.stdout)
    shot = tmp_path / "site.png"
    page = output / "resource" / "round-07.html"
    dom = browse(page.as_uri(), tmp_path, screenshot=shot, budget_ms=2000, size=(1280, 900))
    assert '<h1 id="label">Round 7</h1>' in dom
    assert '<a href="jordan.html" data-iri="https://w3id.org/astana-kg/resource/jordan">Jordan</a>' in dom
    assert 'href="../static/style.css"' in dom and (output / "static" / "style.css").is_file()
    keep_screenshot(request, shot, "web-site-from-disk.png")


def test_the_static_query_page_opened_from_disk_asks_kg_serve_and_shows_rows(web_server, tmp_path):
    """The query page of `kg site`, opened from file://, sends its query across origins to `kg serve`'s
    /sparql: the server must allow it (CORS), or the browser drops the answer."""
    output = tmp_path / "site"
    done = subprocess.run([str(Path(sys.executable).with_name("kg")), "site", "--output", str(output),
                           "--endpoint", f"{web_server}/sparql"], capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stderr) == (0, "")
    dom = browse((output / "query.html").as_uri() + "?example=observers-of-round", tmp_path)
    assert "6 results" in dom
    results = dom[dom.index('class="yasr'):]
    observers = re.findall(r'<a class="iri" href="(resource/[a-z-]+\.html)"[^>]*>(res:[a-z-]+)</a>', results)
    assert sorted(set(observers)) == [("resource/jordan.html", "res:jordan"),
                                      ("resource/united-nations.html", "res:united-nations"),
                                      ("resource/united-states.html", "res:united-states")]
