"""One spelling per article address, so the same page reached by different links gets one id.

courlan (installed with trafilatura) was considered and not used: its tracker pattern also strips ``uid``,
``source``, ``session``, ``cid`` and any name containing ``ref``, which some publishers use to identify the
article itself, and merging two different articles is far worse than keeping a duplicate. It also keeps
fragments and turns punycode into Unicode. The rules here are small, explicit and conservative.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that only say how a reader arrived (campaigns, click ids, share buttons), compared
# case-insensitively. Any parameter starting with one of TRACKING_PREFIXES goes too.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
        "li_fat_id", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok",
        "ocid", "cmpid", "cmp", "ref", "ref_src", "ref_url", "referrer", "src", "s_cid", "xtor", "smid",
        "sr_share", "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
        "wt.mc_id", "wt_mc", "wt_zmc", "ito", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname",
        "ns_fee", "ftag", "spm", "vero_id", "oly_anon_id", "oly_enc_id", "rss",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "at_", "ns_", "hsa_", "itm_")

# Allowed to stay unescaped in a path (RFC 3986 pchar plus "/"); "%" so existing escapes survive.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_IPV6 = re.compile(r"^\[[0-9a-f:.]+\]$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _host(hostname: str) -> str:
    """Lower case, punycode (so Unicode and ASCII spellings agree), no trailing dot."""
    host = hostname.lower().rstrip(".")
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _plausible(url: str) -> bool:
    """An absolute http(s) URL whose host could exist: a DNS name or an IP literal, no spaces or junk."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    host = parts.hostname or ""
    if parts.scheme.lower() not in _DEFAULT_PORTS or not host or any(c.isspace() for c in url):
        return False
    if port == 0:
        return False
    ascii_host = _host(host)
    return bool(_HOST.match(ascii_host) or _IPV6.match(f"[{ascii_host}]"))


def _is_home_page(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def _normalise(url: str) -> str:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = _host(parts.hostname or "")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    if parts.username or parts.password:
        userinfo = parts.username or ""
        if parts.password:
            userinfo += f":{parts.password}"
        netloc = f"{userinfo}@{netloc}"
    path = quote(parts.path, safe=_PATH_SAFE) or "/"
    path = _PERCENT_ESCAPE.sub(lambda m: m.group(0).upper(), path)
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    pairs.sort(key=lambda pair: pair[0])  # stable: repeated keys keep their order
    query = urlencode(pairs, quote_via=quote, safe="/:@!$'()*,;~")
    return urlunsplit((scheme, netloc, path, query, ""))


def canonical_url(url: str, *, page_canonical: str | None = None) -> str:
    """The one address an article is known by.

    ``page_canonical`` is what the page itself declares (``<link rel="canonical">`` or ``og:url``). It wins
    when it is a plausible http(s) address, resolved against ``url`` if relative, except when it points at
    the site's home page while ``url`` has a path (a common publisher template bug). The result has a
    lower-case scheme and host, no default port, no fragment, no tracking parameters, the remaining query
    parameters sorted by name, and "/" for an empty path. Pure and deterministic.
    """
    chosen = url.strip()
    if page_canonical and page_canonical.strip():
        try:
            candidate = urljoin(chosen, page_canonical.strip())
        except ValueError:
            candidate = ""
        if (
            candidate
            and _plausible(candidate)
            and not (_is_home_page(candidate) and not _is_home_page(chosen))
        ):
            chosen = candidate
    try:
        return _normalise(chosen)
    except ValueError:
        return chosen
