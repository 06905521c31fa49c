"""Chinese first: Accept-Language is ignored; the language cookie chooses English."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def test_english_browser_still_gets_chinese_by_default(client: Client) -> None:
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


def test_language_cookie_chooses_english(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/admin/login/")

    assert response["Content-Language"] == "en"
    assert "Sign in" in response.content.decode()


def test_unknown_language_cookie_falls_back_to_chinese(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx-evil"

    response = client.get("/admin/login/")

    assert response["Content-Language"] == "zh-hans"
