"""Reading the store's pages as a browser would: its forms, their fields, the errors shown; and a
client that connects from its own loopback address. Shared by the HTTP load (bench/locustfile.py)
and the fault suite (faults/), and free of Locust, so importing it patches nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Any

from requests.adapters import HTTPAdapter

ERROR_TEXT = re.compile(r'<(?:p|div) class="(?:error|form-errors)"[^>]*>(?P<text>.*?)</(?:p|div)>', re.S)
TAG = re.compile(r"<[^>]+>")


@dataclass
class Form:
    """A form as the browser would submit it: its action and the values of its fields."""

    attrs: dict[str, str]
    fields: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)


class FormParser(HTMLParser):
    """Collects every form of a page with its inputs' current values (checked radios only)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = Form(attrs=values)
            self.forms.append(self._form)
        elif self._form is not None and tag == "input" and values.get("name"):
            name, kind = values["name"], values.get("type", "text")
            if kind in {"radio", "checkbox"}:
                self._form.choices.setdefault(name, []).append(values.get("value", "on"))
                if "checked" in values:
                    self._form.fields[name] = values.get("value", "on")
            elif kind not in {"submit", "button", "file"}:
                self._form.fields[name] = values.get("value", "")
        elif self._form is not None and tag == "textarea" and values.get("name"):
            self._textarea = values["name"]
            self._form.fields[self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_in(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def form_with(html: str, field_name: str) -> Form | None:
    """The page's first form that has the named field."""
    return next((form for form in forms_in(html) if field_name in form.fields or field_name in form.choices), None)


def errors_in(html: str) -> str:
    """The error texts a page shows (form errors), for the failure message."""
    texts = [" ".join(unescape(TAG.sub(" ", match.group("text"))).split()) for match in ERROR_TEXT.finditer(html)]
    return "; ".join(text for text in texts if text)[:300] or "no error text on the page"


class SourceAddressAdapter(HTTPAdapter):
    """Connections from one loopback address, as if this reseller had its own IP."""

    def __init__(self, source_ip: str, **kwargs: Any) -> None:
        self.source_ip = source_ip
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.source_ip, 0)
        super().init_poolmanager(*args, **kwargs)
