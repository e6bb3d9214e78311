"""English is a full second language: every message of the catalogue translated, and the pages read in English."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|\{\w*\}")


def _entries() -> list[dict]:
    """The catalogue's entries as {flags, msgid, msgstr} (msgstr[0] for plurals), header and obsolete ones left out."""
    entries = []
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        fields, current = {"flags": ""}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                fields["flags"] = line
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
            else:
                key, _, value = line.partition(" ")
                current = {"msgstr[0]": "msgstr"}.get(key, key)
                fields.setdefault(current, "")
                fields[current] += value[1:-1] if value.startswith('"') else ""
        if fields.get("msgid"):
            entries.append(fields)
    return entries


def test_every_message_has_a_checked_english_translation():
    entries = _entries()
    assert len(entries) > 1500
    untranslated = [entry["msgid"] for entry in entries if not entry.get("msgstr")]
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    assert untranslated == [] and fuzzy == []
    changed = [
        e["msgid"]
        for e in entries
        if sorted(PLACEHOLDER.findall(e["msgid"])) != sorted(PLACEHOLDER.findall(e["msgstr"]))
    ]
    assert changed == []


def test_pages_read_in_english(personas, client_for):
    client = client_for(personas.central_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    for name in ("core:home", "registry:list", "projects:list", "dashboards:national", "reports:list", "geo:index"):
        html = client.get(reverse(name)).content.decode()
        assert '<html lang="en">' in html, name
        for english in ("Projects", "Administration", "Industrial extension", "My tasks", "Sign out"):
            assert english in html, (name, english)
        # menu labels as rendered (the persona's own name, "Quản trị Trung ương", is data and stays)
        for vietnamese in ("Quản trị</button>", "Khuyến công</button>", "Việc của tôi", "Đăng xuất"):
            assert vietnamese not in html, (name, vietnamese)


def test_vietnamese_unless_english_was_chosen(client):
    """An English browser still gets Vietnamese; the switcher's choice (the language cookie) is kept."""
    login = reverse("accounts:login")
    response = client.get(login, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in response.content.decode() and response["Content-Language"] == "vi"
    assert "Accept-Language" not in response.get("Vary", "")
    client.post(reverse("set_language"), {"language": "en", "next": login})
    assert '<html lang="en">' in client.get(login, HTTP_ACCEPT_LANGUAGE="vi-VN").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="vi">' in client.get(login).content.decode()
