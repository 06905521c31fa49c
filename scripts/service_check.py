"""Exit 0 when a service answers.

Usage: `service_check.py postgres URL` or `service_check.py redis URL`.
"""

import sys


def main() -> int:
    kind, url = sys.argv[1], sys.argv[2]
    try:
        if kind == "postgres":
            import psycopg

            with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
                pass
        else:
            import redis

            redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
