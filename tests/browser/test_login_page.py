"""The login page, the first page everyone sees, in a real browser: axe-core finds nothing
on it, neither the WCAG 2.1 A and AA rules nor axe's best practices (one main landmark, an
h1, all content in landmarks), at desktop and phone width."""

from __future__ import annotations

import pytest

from tests.browser.conftest import AXE_SCRIPT, DESKTOP, PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: Every WCAG 2.1 A/AA rule and axe's best practices, at every impact.
AXE_ALL = """() => axe.run(document, {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
  resultTypes: ['violations'],
}).then(results => results.violations)"""


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_the_login_page_passes_axe(browser, live_server, width):
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": width, "height": 844}
    )
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.evaluate(AXE_SCRIPT)
        violations = page.evaluate(AXE_ALL)
        assert not violations, "\n".join(
            f"{v['impact']} {v['id']}: {v['help']} – "
            + "; ".join(node["html"][:120] for node in v["nodes"][:3])
            for v in violations
        )
        assert page.get_by_role("heading", level=1).inner_text() == "Logga in"
        assert page.get_by_role("main").get_by_label("Användarnamn").is_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    finally:
        context.close()
