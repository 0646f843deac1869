"""Steps the browser tests share."""

from tests import factories


def sign_in(page, live_server, username: str) -> None:
    """Sign in through the login page as `username` (any earlier session dropped), landing on the home page."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
