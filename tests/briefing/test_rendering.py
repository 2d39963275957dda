"""The briefing's .docx as a reader's office software lays it out: LibreOffice (headless) converts it to PDF,
poppler's pdftoppm renders the pages to PNG and pdftotext reads the words back. The pages exist, hold ink, and
the title comes out in Chinese characters (not boxes). Without LibreOffice or poppler the test is skipped; with
CI=true it fails instead (.ci/run installs libreoffice-writer-nogui and poppler-utils).
"""
import os
import shutil
import subprocess

import pytest
from django.urls import reverse
from PIL import Image

from plan.demo import demo_load
from progress.services import rollup_full

pytestmark = pytest.mark.django_db
TOOLS = ("soffice", "pdftoppm", "pdftotext")


def _require_tools() -> dict[str, str]:
    found = {tool: shutil.which(tool) for tool in TOOLS}
    if missing := [tool for tool, path in found.items() if path is None]:
        message = f"{', '.join(missing)} not installed (apt-get install libreoffice-writer-nogui poppler-utils)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def test_the_document_renders_to_pages_with_chinese_text(client, planner, tmp_path):
    tools = _require_tools()
    demo_load()
    rollup_full()
    client.force_login(planner)
    response = client.get(reverse("briefing-page"), {"year": 2015, "quarter": 3, "format": "docx"})
    assert response.status_code == 200
    source = tmp_path / "briefing.docx"
    source.write_bytes(response.content)

    # LibreOffice keeps its profile under HOME: a fresh one in tmp_path, so parallel runs do not share it.
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run([tools["soffice"], "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path),  # noqa: S603
                    str(source)], check=True, capture_output=True, timeout=240, env=env)
    pdf = tmp_path / "briefing.pdf"
    assert pdf.stat().st_size > 10_000
    subprocess.run([tools["pdftoppm"], "-png", "-r", "40", str(pdf), str(tmp_path / "page")],  # noqa: S603
                   check=True, capture_output=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3  # text, the cluster table, the parks, the two charts: more than two A4 pages
    for page in pages:
        with Image.open(page) as image:
            colours = image.convert("L").getextrema()
            assert colours[0] < 128, f"{page.name} is blank"  # some dark ink on every page
    text = subprocess.run([tools["pdftotext"], str(pdf), "-"], check=True, capture_output=True, text=True,  # noqa: S603
                          timeout=60).stdout
    words = "".join(text.split())  # pdftotext spaces digits apart from Chinese characters and breaks lines
    assert "锦州市产业集群发展季度简报（2015年第3季度）" in words
    assert "光伏产业集群" in text
