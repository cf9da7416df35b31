"""HTTP-level protections: safe redirects, security headers, body limits, the client address.

Every response carries the headers; every redirect that takes a target from the request goes
through `sicheres_ziel`; every request body is limited by `MAX_CONTENT_LENGTH`: Werkzeug refuses
a longer announced length, and a chunked body (no length announced) is measured here.
"""

from __future__ import annotations

import secrets
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, abort, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from wrm.services.pruefung import steuerzeichen

#: The query parameter in which Flask-Admin takes the page to return to. Its own check lets
#: targets with line breaks through (a 500 in the Location header), so it is refused here first;
#: the login's `next` is passed through `sicheres_ziel` by the login itself.
RUECKSPRUNG = "url"

# Only our own origin; scripts additionally need the nonce of their page. Inline style
# attributes (Bootstrap markup, pygal's SVG) are allowed: they cannot run code. Two no-op
# inline scripts of Flask-Admin's templates are allowed by their hashes and nothing else:
# onclick="return false;" (filter menu) and href="javascript:void(0)" (menu toggles). Fonts
# may also be data: URIs (GraphiQL's stylesheet embeds its fonts); nothing loads from outside.
_ERLAUBTE_HANDLER = ("'unsafe-hashes' 'sha256-2rvfFrggTCtyF5WOiTri1gDS8Boibj4Njn0e+VCBmDI=' "
                     "'sha256-rRMdkshZyJlCmDX27XnL7g3zXaxv7ei6Sg+yt4R3svU='")
_CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}' " + _ERLAUBTE_HANDLER + "; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def sicheres_ziel(ziel: str | None, ersatz: str) -> str:
    """`ziel` if it is a path on this site, else `ersatz`.

    Refused after decoding: schemes and hosts (`https://x`, `//x`), backslashes (browsers read
    `/\\x` as `//x`), whitespace and control characters (browsers drop a tab or line break, so
    `/\\t/x` becomes `//x`; in a header they end it).
    """
    if not ziel:
        return ersatz
    entschluesselt = unquote(ziel)
    if (not entschluesselt.startswith("/") or entschluesselt.startswith("//")
            or "\\" in entschluesselt or any(z.isspace() for z in entschluesselt)
            or steuerzeichen(entschluesselt) or not entschluesselt.isprintable()):
        return ersatz
    teile = urlsplit(entschluesselt)
    if teile.scheme or teile.netloc:
        return ersatz
    return ziel


def csp_nonce() -> str:
    """The nonce of this response's Content-Security-Policy (one per request)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return str(g.csp_nonce)


def _anfrage_pruefen() -> None:
    """Refuse query parameters with control characters and foreign redirect targets (400), and
    chunked bodies over `MAX_CONTENT_LENGTH` (413).

    Form and JSON bodies are checked where they are read (form validation, `pruefung`), so a
    user sees the message at the field and keeps the input.
    """
    if request.content_length is None and request.environ.get("wsgi.input_terminated"):
        # Werkzeug cuts a chunked body off at the limit without an error: a form would be
        # parsed from a truncated body. Read it here (it is cached for the form parser).
        grenze = request.max_content_length
        if grenze is not None and len(request.get_data(cache=True)) >= grenze:
            abort(413)
    for name, wert in request.args.items(multi=True):
        if steuerzeichen(name) or steuerzeichen(wert):
            abort(400, f"Der Parameter „{name[:40]}“ enthält unzulässige Steuerzeichen.")
    ziel = request.values.get(RUECKSPRUNG)
    if ziel and sicheres_ziel(ziel, "") == "":
        abort(400, f"Der Parameter „{RUECKSPRUNG}“ führt nicht zu einer Seite von WRM.")


def _kopfzeilen(antwort: Response) -> Response:
    """Security headers on every response."""
    kopf = antwort.headers
    kopf.setdefault("X-Frame-Options", "DENY")
    kopf.setdefault("X-Content-Type-Options", "nosniff")
    kopf.setdefault("Referrer-Policy", "same-origin")
    kopf.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if "Content-Security-Policy" not in kopf:
        kopf["Content-Security-Policy"] = _CSP.format(nonce=csp_nonce())
    if request.endpoint and not request.endpoint.endswith("static"):
        # Figures and names must not stay in a shared browser's cache after logout.
        kopf.setdefault("Cache-Control", "no-store")
    if current_app.config["ENV"] == "production":
        kopf.setdefault("Strict-Transport-Security", "max-age=31536000")
    return antwort


def init_sicherheit(app: Flask) -> None:
    """Install the proxy fix (when configured), the request checks and the headers."""
    anzahl = int(app.config["PROXY_ANZAHL"])
    if anzahl > 0:
        # Behind n reverse proxies the client address is the n-th from the right of
        # X-Forwarded-For; trusting more would let a client choose its own address.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=anzahl, x_proto=anzahl, x_host=anzahl, x_prefix=anzahl)
    app.before_request(_anfrage_pruefen)
    app.after_request(_kopfzeilen)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
