import pytest
from django.db import connection


@pytest.mark.django_db
def test_admin_login_page_renders_in_chinese(client):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert "登录" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_run_uses_postgres():
    assert connection.vendor == "postgresql"
