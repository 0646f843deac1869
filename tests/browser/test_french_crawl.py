"""A French user never meets an English word, a raw code or an ISO date: each role signs in and walks its main
pages and the pages they link to (one page per kind of address), and every visible text — charts included — is
read for English words, snake_case codes and yyyy-mm-dd dates; axe-core runs on each page as well."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser import world as w
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# English words a French screen has no reason to show (none is also a French word).
ENGLISH = ["the", "and", "with", "from", "of", "Forbidden", "Not Found", "Server Error", "Page not found",
           "Save", "Submit", "Cancel", "Search", "Edit", "Delete", "Previous", "Next", "Home", "Dashboard",
           "Sign in", "Log in", "Log out", "Logout", "Yes", "None", "True", "False", "Unknown", "Children",
           "Child", "Stay", "Stays", "Request", "Requests", "Family", "Families", "Assessment", "Assessments",
           "Mother", "Father", "Girls", "Boys", "Period", "Occupancy", "Mean", "Median", "Entry", "Exit",
           "Download", "Print", "Back", "Filter", "Language", "Motor", "Cognitive", "depression", "self-harm",
           "Reflexes", "weeks", "months", "days", "years", "Jan", "Feb", "Apr", "May", "Jun", "Jul", "Aug",
           "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Zoom", "Pan",
           "Autoscale", "Reset axes", "Download plot"]
ENGLISH_RE = re.compile(r"(?<![\w'’-])(" + "|".join(re.escape(word) for word in ENGLISH) + r")(?![\w'’-])")
SNAKE_RE = re.compile(r"(?<![\w@./:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])")
ISO_DATE_RE = re.compile(r"(?<![\w-])\d{4}-\d{2}(?:-\d{2})?(?![\w-])")  # 2025-03-12, and a month 2025-03

# Addresses not to follow: signing out, downloads, the Django admin (its own translated screens), forms that act.
SKIP = re.compile(r"^/(accounts/logout|admin/|i18n/|static/|media/)|\.(csv|xlsx|pdf|json|zip)(\?|$)|/csv/|"
                  r"[?&]format=|/download")
PAGES_PER_ROLE = 40


@pytest.fixture
def page(browser):
    """A page whose CSP lets the test inject axe-core."""
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def unit_world():
    return w.build()


def _kind(path: str) -> str:
    """One address per kind of page: the numbers of a path stand for any record."""
    split = urlsplit(path)
    return re.sub(r"\d+", "N", split.path) + ("?" + re.sub(r"\d+", "N", split.query) if split.query else "")


def visible_text(page) -> str:
    """What the reader sees in French: the rendered text of the page and the text of its charts (SVG)."""
    page.wait_for_function("() => Array.from(document.querySelectorAll('[data-figure]'))"
                           ".every(c => c.dataset.drawn === 'true')", timeout=10_000)
    return page.evaluate("""() => {
        // A passage marked in another language (a citation as published, the EN button) is not a French text.
        let text = document.body.innerText;
        for (const other of document.querySelectorAll('body [lang]:not([lang^="fr"])')) {
            text = text.split(other.innerText).join(' ');
        }
        return text + '\\n' + Array.from(document.querySelectorAll('svg text')).map(t => t.textContent).join('\\n');
    }""")


def defects(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        for kind, pattern in (("English", ENGLISH_RE), ("code", SNAKE_RE), ("ISO date", ISO_DATE_RE)):
            for match in pattern.finditer(line):
                found.append(f"{kind} « {match.group(0)} » in: {line.strip()[:140]}")
    return found


def test_the_word_lists_catch_what_they_are_for():
    assert defects("Période précédente · 12/03/2025 · 61,5 % · janv. 2025 · mai 2025 · Unité parents-bébé") == []
    assert [d.split(" «")[0] for d in defects("Jan 2025")] == ["English"]
    assert [d.split(" «")[0] for d in defects("risque : probable_depression")] == ["code"]
    assert [d.split(" «")[0] for d in defects("le 2025-03-12")] == ["ISO date"]
    assert [d.split(" «")[0] for d in defects("2025-03 · 0,84")] == ["ISO date"]
    assert defects("dossier UPB-2026-001") == []


def crawl(page, base: str, start: list[str]) -> tuple[dict[str, list[str]], set[str]]:
    """Every page reached from `start` (one per kind), with what is wrong on it; and the kinds of page read."""
    queue, seen, problems = deque(start), set(), {}
    while queue and len(seen) < PAGES_PER_ROLE:
        path = queue.popleft()
        if _kind(path) in seen or SKIP.search(path):
            continue
        seen.add(_kind(path))
        try:
            response = page.goto(f"{base}{path}")
        except PlaywrightError as error:  # a file to download, not a page
            if "Download is starting" in str(error):
                continue
            raise
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        page.wait_for_load_state("networkidle")
        found = defects(visible_text(page))
        found += [f"axe {v['id']} ({v['impact']}) {v['help']}: {'; '.join(v['nodes'][:2])}"
                  for v in w.axe_violations(page)]
        if found:
            problems[path] = sorted(set(found))
        for href in page.eval_on_selector_all("main a[href], nav a[href]", "els => els.map(a => a.href)"):
            split = urlsplit(href)
            if split.netloc == urlsplit(base).netloc and not split.fragment:
                queue.append(split.path + (f"?{split.query}" if split.query else ""))
    return problems, seen


@pytest.mark.parametrize("role", list(w.USERS))
def test_a_french_user_meets_no_english_no_code_no_iso_date(live_server, page, unit_world, role):
    if not w.AXE.exists():
        pytest.skip(f"axe-core is not installed at {w.AXE} (make install runs npm ci)")
    sign_in(page, live_server, w.USERS[role])
    problems, seen = crawl(page, live_server.url, unit_world.pages(role))
    # The crawl follows the links: it reads more than the pages it started from.
    assert len(seen) > len(set(map(_kind, unit_world.pages(role)))), sorted(seen)
    print(f"{role}: {len(seen)} kinds of page read")
    assert not problems, "\n".join(f"{path}:\n    " + "\n    ".join(found) for path, found in problems.items())


@pytest.mark.parametrize("path,status", [("/audit/", 403), ("/admissions/stays/999999/", 404)])
def test_error_pages_speak_french_too(live_server, page, unit_world, path, status):
    """A manager meets a page they may not open and an address that does not exist: French, with the
    navigation, and as accessible as the others."""
    if not w.AXE.exists():
        pytest.skip(f"axe-core is not installed at {w.AXE}")
    sign_in(page, live_server, w.USERS["manager"])
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == status
    assert page.locator("nav a.navbar-brand").count() == 1
    found = defects(visible_text(page)) + [v["id"] for v in w.axe_violations(page)]
    assert found == []
