"""Driving the pages as a person does: signing in from the sign-in page."""

from __future__ import annotations

from typing import Any

from web_ui.agency import PASSWORD


def sign_in(browser: Any, server: str, user: str) -> Any:
    """A new browser page signed in as `user`, on the dashboard."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server + "/")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page
