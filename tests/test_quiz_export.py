"""The QTI export never passes a bank's HTML through live: a question written by a student
(merged into a class bank) cannot put a script or an event handler into Canvas."""

from __future__ import annotations

import html.parser
import xml.etree.ElementTree as ET
import zipfile

from snnedu.exercises.quiz import export_qti, list_banks, merge_banks
from snnedu.exercises.quiz.bank import _text2qti_quiz
from snnedu.exercises.quiz.export import _DESCRIPTION, _MATTEXT_HTML, _sanitise_xml

HOSTILE = """\
Quiz title: Hostile <script>alert("title")</script>
Quiz description: See <img src=x onerror=alert("description")>

1.  Pick one <script>alert("question")</script> and **think**.
... General <iframe src="https://evil.example"></iframe> feedback.
a)  wrong <img src=x onerror=alert("choice")>
... Because <a href="javascript:alert('link')">this</a> is wrong.
*b) right, see ![a web image](https://example.org/a.png)
c)  <svg onload=alert("svg")></svg> also wrong

2.  What is 6 × 7? <b onmouseover="alert('b')">hover</b>
-   <script>alert("feedback")</script> Multiply.
=   42
"""


class _Tags(html.parser.HTMLParser):
    """Collects the live tags, their attributes, and the text of an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def _exported_html(zip_path) -> list[str]:
    """Every HTML fragment Canvas would render from the zip (mattext and description)."""
    fragments = []
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            if not name.endswith(".xml"):
                continue
            root = ET.fromstring(archive.read(name))
            for element in root.iter():
                tag = element.tag.rsplit("}", 1)[-1]
                is_html = tag == "mattext" and element.get("texttype") == "text/html"
                if (is_html or tag == "description") and element.text:
                    fragments.append(element.text)
    return fragments


def _parse(fragment: str) -> _Tags:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser


def test_export_of_a_merged_bank_shows_student_html_as_text(tmp_path):
    student = tmp_path / "mallory.txt"
    student.write_text(HOSTILE, encoding="utf-8")
    merged = tmp_path / "class_bank.txt"
    merged.write_text(merge_banks([student], title="Class"), encoding="utf-8")
    for bank in (student, merged):
        fragments = _exported_html(export_qti(bank, tmp_path / f"{bank.stem}.zip"))
        assert len(fragments) >= 8
        parsed = [_parse(f) for f in fragments]
        tags = [tag for p in parsed for tag in p.tags]
        names = {name for name, _ in tags}
        assert not names & {"script", "iframe", "svg"}, names
        for name, attributes in tags:
            assert not [a for a in attributes if a.startswith("on") or a == "style"], name
            for key in ("href", "src"):
                assert not (attributes.get(key) or "").strip().lower().startswith("javascript")
        text = " ".join(p.text for p in parsed)
        # shown as text, so the author sees what became of it (Markdown curls the quotes)
        assert text.count("<script>alert(") == 2 and "<iframe src=" in text
        # what Markdown writes stays live: bold and the web image
        assert "strong" in names
        assert ("img", {"src": "https://example.org/a.png", "alt": "a web image"}) in tags


def test_sanitising_leaves_every_course_bank_as_text2qti_wrote_it():
    from text2qti.qti import QTI

    for path in list_banks():
        quiz = _text2qti_quiz(path.read_text(encoding="utf-8"), str(path), allow_local_images=False)
        qti = QTI(quiz)
        assert _sanitise_xml(qti.assessment, _MATTEXT_HTML) == qti.assessment, path.name
        assert _sanitise_xml(qti.assessment_meta, _DESCRIPTION) == qti.assessment_meta
