import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import translation

from zaixian.core import ratelimit
from zaixian.core.ratelimit import check_rate, hit, parse_rate, rate_limited

# The 429 page extends the portal's base layout, which looks up the site.
pytestmark = pytest.mark.django_db


@rate_limited(scope="test:form", rate="3/m")
def form_view(request):
    return HttpResponse("ok")


def post(ip="203.0.113.5", **extra):
    return RequestFactory().post("/form/", REMOTE_ADDR=ip, **extra)


@pytest.mark.parametrize(
    ("rate", "limit", "seconds"),
    [("10/m", 10, 60), ("30/h", 30, 3600), ("200/d", 200, 86400), ("5/15m", 5, 900)],
)
def test_parse_rate(rate, limit, seconds):
    assert parse_rate(rate) == ratelimit.Rate(limit=limit, seconds=seconds)


@pytest.mark.parametrize("rate", ["10", "10/w", "0/m", "ten/m", "5/0m", ""])
def test_malformed_rate_is_refused_when_the_view_is_decorated(rate):
    with pytest.raises(ratelimit.InvalidRateError):
        rate_limited(scope="x", rate=rate)


def test_view_answers_429_with_retry_after_after_the_limit():
    with time_machine.travel("2026-05-01 10:00:10+08:00", tick=False):
        responses = [form_view(post()) for _ in range(4)]

    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    assert responses[3]["Retry-After"] == "50"


def test_429_page_is_chinese():
    for _ in range(3):
        form_view(post())

    with translation.override("zh-hans"):
        response = form_view(post())

    assert response.status_code == 429
    page = response.content.decode()
    assert "操作过于频繁" in page
    assert "<html" in page


def test_get_requests_are_not_counted_by_default():
    request = RequestFactory().get("/form/", REMOTE_ADDR="203.0.113.5")

    statuses = {form_view(request).status_code for _ in range(10)}

    assert statuses == {200}


def test_counted_methods_can_be_chosen():
    limited = rate_limited(scope="test:get", rate="1/m", methods=("GET",))(form_view)
    request = RequestFactory().get("/form/", REMOTE_ADDR="203.0.113.5")

    assert limited(request).status_code == 200
    assert limited(request).status_code == 429


def test_each_client_address_has_its_own_counter():
    for _ in range(3):
        form_view(post(ip="203.0.113.5"))

    assert form_view(post(ip="203.0.113.5")).status_code == 429
    assert form_view(post(ip="198.51.100.1")).status_code == 200


def test_forged_real_ip_header_from_untrusted_peer_does_not_escape_the_limit():
    for n in range(3):
        form_view(post(HTTP_X_REAL_IP=f"10.0.0.{n}"))

    assert form_view(post(HTTP_X_REAL_IP="10.0.0.99")).status_code == 429


@override_settings(TRUSTED_PROXY_IPS=["127.0.0.1"])
def test_behind_a_trusted_proxy_the_real_ip_is_counted():
    for _ in range(3):
        form_view(post(ip="127.0.0.1", HTTP_X_REAL_IP="198.51.100.7"))

    assert form_view(post(ip="127.0.0.1", HTTP_X_REAL_IP="198.51.100.7")).status_code == 429
    assert form_view(post(ip="127.0.0.1", HTTP_X_REAL_IP="198.51.100.8")).status_code == 200


def test_scopes_are_counted_apart():
    request = post()

    results = [check_rate(request=request, scope="a", rate="1/h") for _ in range(2)]
    other = check_rate(request=request, scope="b", rate="1/h")

    assert results == [True, False]
    assert other is True


def test_explicit_key_counts_per_key_not_per_address():
    assert check_rate(request=post(ip="1.1.1.1"), scope="sms", rate="1/h", key="13800138000")
    assert not check_rate(request=post(ip="2.2.2.2"), scope="sms", rate="1/h", key="13800138000")
    assert check_rate(request=post(ip="2.2.2.2"), scope="sms", rate="1/h", key="13900139000")


def test_a_new_window_starts_a_new_count():
    with time_machine.travel("2026-05-01 10:00:59+08:00", tick=False):
        assert [hit(scope="w", key="k", rate="2/m").count for _ in range(3)] == [1, 2, 3]
    with time_machine.travel("2026-05-01 10:01:00+08:00", tick=False):
        usage = hit(scope="w", key="k", rate="2/m")

    assert usage.count == 1
    assert not usage.is_exceeded
    assert usage.retry_after == 60


@override_settings(ZAIXIAN_RATE_LIMITS_ENABLED=False)
def test_switched_off_nothing_is_limited():
    statuses = {form_view(post()).status_code for _ in range(10)}

    assert statuses == {200}


def test_phone_numbers_do_not_appear_in_cache_keys():
    key = ratelimit._cache_key("accounts:code-phone", "13800138000", 1)

    assert "13800138000" not in key


# --- On a real Redis -----------------------------------------------------------------------


@pytest.fixture
def redis_cache(redis_url):
    prefix = f"zaixian-test-{uuid.uuid4().hex}"
    settings = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=settings):
        yield prefix
        import redis

        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)


@pytest.mark.redis
def test_redis_counts_and_limits(redis_cache):
    assert "Redis" in type(caches["default"]).__name__

    statuses = [form_view(post()).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


@pytest.mark.redis
def test_redis_counter_is_atomic_under_concurrent_requests(redis_cache):
    def attempt(_):
        return check_rate(request=post(), scope="race", rate="20/h")

    with ThreadPoolExecutor(max_workers=8) as pool:
        allowed = list(pool.map(attempt, range(60)))

    assert allowed.count(True) == 20
    assert hit(scope="race", key="203.0.113.5", rate="20/h").count == 61


@pytest.mark.redis
def test_redis_counter_expires_with_its_window(redis_cache, redis_url):
    import redis

    hit(scope="ttl", key="k", rate="5/m")

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{redis_cache}:*ratelimit*"))
    assert len(keys) == 1
    assert 0 < client.ttl(keys[0]) <= 65
