"""Every page in English shows no Chinese but proper names: a walk of the whole URLconf as the planner and as a
department editor, reading each page in `en` and listing the Han strings it finds.

Allowed are the texts of the data itself where no English exists: an enterprise's, park's or project's name, a
note someone typed, the plan's wording quoted on a page (`source_text`), and the Chinese name of a row whose
English name is empty. A Chinese name of a row that has an English one is a finding (the page should show the
English name), and so is any Chinese in the page's own words (a label, a menu, a message, a quarter).
"""
from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from clusters.models import Cluster
from core.history import HISTORY_MODELS
from org.models import Department, User
from plan.demo import demo_load
from scenarios.services import scenario_create
from tests.security.urlconf import Filler, endpoints

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]+")
PUNCTUATION = re.compile(r"^[\u3000-\u303f\uff01-\uff5e]+$")
# Attributes a person reads (tooltips, placeholders, labels of controls).
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
# Not read as the page's words: code, and a history entry's old and new values (<del>/<ins>: the data as stored).
HIDDEN = {"script", "style", "template", "del", "ins"}
# Not pages of the site's own words: signing out, the language switch, the API's docs, and the quarterly briefing
# (锦州市产业集群发展季度简报), a Chinese document in whatever language the site is read.
NOT_WALKED = {"logout", "set_language", "api-docs", "briefing-page"}
# The language switch names each language in its own script (中文) on purpose.
LANGUAGE_NAMES = {"简体中文", "中文"}


class _Visible(HTMLParser):
    """The text a person reads on an HTML page: text nodes outside script/style, and READ_ATTRIBUTES."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self._hidden += 1
        self.parts.extend(value for name, value in attrs if name in READ_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_han(html: str) -> dict[str, str]:
    """Each Chinese run a person reads on the page, with the text it stands in (for the failure message)."""
    parser = _Visible()
    parser.feed(html)
    return {run: " ".join(part.split())[:80] for part in parser.parts for run in HAN.findall(part)
            if not PUNCTUATION.match(run)}


def data_runs() -> set[str]:
    """The Chinese runs of every text value in the database that has no English counterpart: what a page may
    quote in Chinese."""
    runs: set[str] = set()
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))]
        translated = {name for name in fields if name.endswith("_zh") and f"{name[:-3]}_en" in fields}
        for row in model._default_manager.values(*fields) if fields else ():
            for name, value in row.items():
                if not value or not HAN.search(value):
                    continue
                if name in translated and row[f"{name[:-3]}_en"]:
                    continue
                runs.update(HAN.findall(value))
    return runs


def _first_visible(user: User):
    def own(model: type[models.Model]) -> models.Model | None:
        if model is User:
            return user
        manager = model._default_manager
        rows = manager.visible_to(user) if hasattr(model, "access") else manager.all()
        return rows.order_by("pk").first()

    return own


def _pages(user: User) -> list[str]:
    filler = Filler(own=_first_visible(user), foreign=lambda model: None, history_labels=HISTORY_MODELS)
    paths = []
    for endpoint in endpoints():
        if endpoint.is_api or endpoint.is_admin or endpoint.name in NOT_WALKED:
            continue
        paths += filler.paths(endpoint, "own")
    return sorted(set(paths))


@pytest.fixture
def walkers(db) -> dict[str, User]:
    demo_load()
    make = User.objects.create_user
    planner = make(username="walk-planner", password="pw-jinzhou-123", role=User.Role.PLANNER,
                   department=Department.objects.get(code="jxw"), is_staff=True)
    # A scenario, so that its pages and its history are walked too.
    scenario_create(user=planner, name="光伏高增长", cluster=Cluster.objects.get(code="pv"), growth=Decimal(25))
    return {
        "planner": planner,
        "editor": make(username="walk-editor", password="pw-jinzhou-123", role=User.Role.EDITOR,
                       department=Department.objects.get(code="nlb")),
    }


@pytest.mark.parametrize("role", ["planner", "editor"])
def test_every_page_in_english_shows_no_chinese_but_proper_names(walkers, role, client, settings):
    user = walkers[role]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    quoted = data_runs()
    findings: dict[str, list[str]] = {}
    pages = _pages(user)
    for path in pages:
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        found = [f"{run} (in “{context}”)" for run, context in visible_han(response.content.decode()).items()
                 if run not in LANGUAGE_NAMES and run not in quoted]
        if found:
            findings[path] = found
    assert len(pages) > 20, pages
    assert not findings, "\n".join(f"{path}: {'; '.join(runs)}" for path, runs in sorted(findings.items()))


def test_every_english_message_written_in_chinese_has_an_english_translation():
    """The source strings are English, some with a Chinese term in them (亿元, 七通一平, 累计): each of those needs an
    English msgstr without Chinese, or English pages show the term. Cheaper than the walk, and it covers messages
    the walk's data does not reach (errors, e-mails)."""
    catalogue = (Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    untranslated = []
    for entry in catalogue.split("\n\n"):
        parts = dict.fromkeys(("msgid", "msgid_plural"), "")
        translations = []
        for keyword, text in re.findall(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) ((?:".*"\n?)+)', entry, re.M):
            text = "".join(re.findall(r'"(.*)"', text))
            if keyword.startswith("msgstr"):
                translations.append(text)
            else:
                parts[keyword] = text
        source = " ".join(parts.values())
        if HAN.search(source) and any(not text or HAN.search(text) for text in translations):
            untranslated.append(source)
    assert untranslated == []
