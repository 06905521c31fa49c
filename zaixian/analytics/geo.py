"""IP address → country, Chinese province and city, from databases that ship inside installed
packages (nothing is downloaded at run time):

* countries of IPv4 and IPv6 addresses: geoip2fast's bundled ``geoip2fast-ipv6.dat.gz``
  (derived from MaxMind's GeoLite2-Country, CC BY-SA 4.0);
* provinces and cities of Chinese IPv4 addresses: the free 17mon/IPIP.net database bundled
  in the ``17MonIP`` package (``17monipdb.dat``, Chinese names).

A newer file in the same format can be dropped in with ``ANALYTICS_COUNTRY_DB`` and
``ANALYTICS_CHINA_IPDB``. IPv6 addresses get a country only (the Chinese database is IPv4).
Raw addresses are looked up and forgotten; only the resulting names are stored.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import mmap
import socket
import struct
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

# The provincial-level divisions as 17mon names them, and the names the reports use.
CHINA_REGION_CODES = {"CN", "HK", "MO", "TW"}
_REGION_PROVINCES = {"HK": "香港", "MO": "澳门", "TW": "台湾"}


@dataclass(frozen=True)
class Location:
    country: str  # ISO 3166 alpha-2, "" when unknown or private
    province: str  # Chinese name of the provincial-level division, "" outside China
    city: str


UNKNOWN = Location("", "", "")


def _ipv4_number(ip: str) -> int | None:
    """A dotted IPv4 address as an integer (fast path: ``ipaddress`` is slow per call)."""
    if ip.count(".") != 3:
        return None
    try:
        return int.from_bytes(socket.inet_aton(ip), "big")
    except OSError:
        return None


def _range(network: str) -> tuple[int, int]:
    parsed = ipaddress.ip_network(network)
    return int(parsed.network_address), int(parsed.broadcast_address)


# IPv4 blocks that are not global (RFC 6890): private, loopback, link-local, shared, reserved…
_IPV4_NOT_GLOBAL = [
    _range(block)
    for block in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/3",
    )
]


class ChinaIPv4Database:
    """Reader of the 17mon ``.dat`` format: a 4-byte big-endian index length, 256 first-octet
    pointers, then 8-byte index entries (end address big-endian, 3-byte little-endian data
    offset, 1-byte length) sorted by address, then tab-separated UTF-8 records."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:
            buffer = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        index_length = struct.unpack(">L", buffer[:4])[0]
        entries = (index_length - 1028) // 8
        raw = buffer[1028 : 1028 + entries * 8]
        self._ends = [struct.unpack_from(">L", raw, n * 8)[0] for n in range(entries)]
        self._pointers = [
            (int.from_bytes(raw[n * 8 + 4 : n * 8 + 7], "little"), raw[n * 8 + 7])
            for n in range(entries)
        ]
        self._data_start = index_length - 1024
        self._buffer = buffer

    def find(self, address: int) -> tuple[str, ...]:
        position = bisect_left(self._ends, address)
        if position >= len(self._ends):
            return ()
        offset, length = self._pointers[position]
        start = self._data_start + offset
        text = self._buffer[start : start + length].decode("utf-8", "replace")
        return tuple(part.strip() for part in text.split("\t"))


def _package_file(package: str, name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"The package {package!r} with {name} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / name


class Geolocator:
    def __init__(self, *, country_db: str = "", china_db: str = "") -> None:
        from geoip2fast import GeoIP2Fast

        country_path = country_db or str(_package_file("geoip2fast", "geoip2fast-ipv6.dat.gz"))
        self._countries = GeoIP2Fast(geoip2fast_data_file=country_path)
        self._china = ChinaIPv4Database(
            Path(china_db) if china_db else _package_file("IP", "17monipdb.dat")
        )

    def locate(self, ip: str) -> Location:
        number = _ipv4_number(ip)
        if number is not None:
            if any(low <= number <= high for low, high in _IPV4_NOT_GLOBAL):
                return UNKNOWN
            version = 4
        else:
            try:
                address = ipaddress.ip_address(ip)
            except ValueError:
                return UNKNOWN
            if not address.is_global:
                return UNKNOWN
            number, version = int(address), address.version
        result = self._countries.lookup(ip)
        country = (result.country_code or "").upper()
        if len(country) != 2 or country == "--":
            country = ""
        if country not in CHINA_REGION_CODES:
            return Location(country, "", "")
        if country != "CN":
            return Location(country, _REGION_PROVINCES[country], "")
        province = city = ""
        if version == 4:
            record = self._china.find(number)
            if len(record) >= 2 and record[0] == "中国":
                province = record[1]
                city = record[2] if len(record) > 2 and record[2] != province else ""
        return Location(country, province, city)


@lru_cache(maxsize=1)
def geolocator() -> Geolocator:
    """The process's geolocator (its files are read once, the Chinese one memory-mapped)."""
    return Geolocator(
        country_db=settings.ANALYTICS_COUNTRY_DB, china_db=settings.ANALYTICS_CHINA_IPDB
    )


@lru_cache(maxsize=262144)
def locate_ip(ip: str) -> Location:
    return geolocator().locate(ip)
