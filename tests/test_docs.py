"""The developer documentation: README.md and docs/*.md.

Every relative link and image must point at a file that exists, and every `#anchor` at a
heading of the target file, slugged the way GitHub does. The README stays at most 10 KB,
and every page in docs/ is linked from it. Plain files only: no Django, no database.
"""

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
README_MAX_BYTES = 10_240

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
# [text](target "title") and ![alt](target); the text may hold one level of brackets
# (an image inside a link), the target one level of parentheses.
INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]"
    r"\(\s*(<[^>\n]*>|(?:[^\s()]|\([^\s()]*\))*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
HTML_ANCHOR = re.compile(r"<[A-Za-z][^>]*?\s(?:id|name)\s*=\s*[\"']([^\"']+)[\"']")


def doc_files():
    return [README, *sorted(DOCS.glob("*.md"))]


def prose_lines(text):
    """(line number, line) of everything outside fenced code blocks, with code spans
    blanked out so that brackets inside them are not taken for links."""
    fence = None
    for number, line in enumerate(text.splitlines(), start=1):
        opening = FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
            continue
        if fence is not None:
            if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
                fence = None
            continue
        yield number, CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


def links(text):
    """(line number, target) of every inline link, image and reference definition."""
    for number, line in prose_lines(text):
        definition = REFERENCE_DEFINITION.match(line)
        if definition:
            yield number, definition.group(1).strip("<>")
            continue
        for match in INLINE_LINK.finditer(line):
            yield number, match.group(1).strip("<>")


def github_slug(heading):
    """The anchor GitHub gives a heading: the text as rendered, lower case, every
    character dropped that is not a letter, digit, '-', '_' or space, spaces to '-'."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links and images: their text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = text.strip().lower()
    kept = (char for char in text if char in " -_" or unicodedata.category(char)[0] in "LNM")
    return "".join(kept).replace(" ", "-")


def anchors(path):
    """Every anchor GitHub makes in a Markdown file: its headings' slugs (a repeated
    slug gets -1, -2, ...) and explicit HTML ids and names."""
    seen = {}
    found = set()
    previous = ""
    for _, line in prose_lines(path.read_text(encoding="utf-8")):
        heading = None
        atx = ATX_HEADING.match(line)
        if atx:
            heading = atx.group(1) or ""
        elif SETEXT_UNDERLINE.match(line) and previous.strip() and not ATX_HEADING.match(previous):
            heading = previous.strip()
        if heading is not None:
            slug = github_slug(heading)
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            found.add(slug if count == 0 else f"{slug}-{count}")
        found.update(HTML_ANCHOR.findall(line))
        previous = line
    return found


def resolve(source, target, root=ROOT):
    """The file a relative link points at: the linking file itself for a bare #anchor,
    the repository root for a path that starts with '/'."""
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if not path:
        return source
    base = root if path.startswith("/") else source.parent
    return (base / path.lstrip("/")).resolve()


def broken_links(files, root=ROOT):
    """A line per broken relative link: 'file:line: target: what is wrong'."""
    problems = []
    for source in files:
        for number, target in links(source.read_text(encoding="utf-8")):
            if not target or SCHEME.match(target) or target.startswith("//"):
                continue
            where = f"{source.relative_to(root)}:{number}: {target}"
            path = resolve(source, target, root)
            if not path.is_relative_to(root):
                problems.append(f"{where}: points outside the repository")
                continue
            if not path.exists():
                problems.append(f"{where}: {path.relative_to(root)} does not exist")
                continue
            anchor = unquote(target.partition("#")[2])
            if anchor and path.suffix == ".md" and anchor not in anchors(path):
                problems.append(
                    f"{where}: no heading in {path.relative_to(root)} has the anchor #{anchor}"
                )
    return problems


def test_docs_exist():
    assert README.is_file()
    assert list(DOCS.glob("*.md")), "docs/ holds no Markdown files"


def test_relative_links_and_anchors_resolve():
    problems = broken_links(doc_files())
    assert not problems, "Broken links in the documentation:\n" + "\n".join(problems)


def test_readme_is_at_most_10_kb():
    size = README.stat().st_size
    assert size <= README_MAX_BYTES, (
        f"README.md is {size} bytes; at most {README_MAX_BYTES}. Move detail into docs/."
    )


def test_every_docs_page_is_linked_from_the_readme():
    linked = {
        resolve(README, target)
        for _, target in links(README.read_text(encoding="utf-8"))
        if not SCHEME.match(target)
    }
    orphans = [
        str(page.relative_to(ROOT)) for page in DOCS.glob("*.md") if page.resolve() not in linked
    ]
    assert not orphans, "Not linked from README.md: " + ", ".join(sorted(orphans))


def test_slugs_follow_github():
    assert github_slug("Start here") == "start-here"
    assert github_slug("Several app servers, PostgreSQL and Redis") == (
        "several-app-servers-postgresql-and-redis"
    )
    assert github_slug("The date of seed 002: 15 May 2018") == "the-date-of-seed-002-15-may-2018"
    assert github_slug("`make run` and [the docs](docs/x.md)") == "make-run-and-the-docs"
    assert github_slug("HTTP / search_index — é") == "http--search_index--é"


def test_the_checker_finds_broken_links(tmp_path):
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "a.md").write_text(
        "# Title\n\n## Same\n\n## Same\n\nOther\n-----\n", encoding="utf-8"
    )
    (root / "README.md").write_text(
        "# Read me\n\n"
        "[fine](docs/a.md#same-1) [fine](docs/a.md#other) [fine](#read-me)\n"
        "![missing](docs/missing.png) [bad anchor](docs/a.md#same-2)\n"
        "[outside](../../x.md) [external](https://example.org/#nothing)\n"
        "`[code](nowhere.md)`\n\n"
        "```\n[fenced](nowhere.md)\n```\n\n"
        "[ref]: docs/gone.md\n",
        encoding="utf-8",
    )
    problems = broken_links([root / "README.md"], root=root)
    assert [problem.split(": ", 1)[0] for problem in problems] == [
        "README.md:4",
        "README.md:4",
        "README.md:5",
        "README.md:12",
    ], problems
    assert "docs/missing.png does not exist" in problems[0]
    assert "#same-2" in problems[1]
    assert "outside the repository" in problems[2]
    assert "docs/gone.md does not exist" in problems[3]
