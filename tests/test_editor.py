"""The web editor's configuration and the GitHub path are generated from the one schema and the settings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.parse
from typing import Any

import jsonschema
import pytest
import yaml

from postdesk.cli import main
from postdesk.config import config_from_dict, load_config
from postdesk.editor import (
    CODEOWNERS,
    CONFIG_YML,
    EDITOR_HINTS,
    SVELTIA_BUNDLE,
    SVELTIA_PACKAGE,
    build_admin,
    check_rules,
    codeowners_text,
    editor_config,
    editor_config_yaml,
    github_new_file_url,
    installed_version,
    js_pattern,
    pinned_bundle,
    self_hosted_bundle,
    sri_hash,
    submission_template,
)
from postdesk.errors import UsageError
from postdesk.schema import load_schema

from .conftest import PROJECT, TODAY

SCHEMA = load_schema()
CONFIG = load_config(PROJECT)


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" not in node:
        return node
    target: Any = SCHEMA
    for part in node["$ref"].removeprefix("#/").split("/"):
        target = target[part]
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}


def _schema_leaves(node: dict[str, Any], prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], tuple[dict, bool]]:
    """Every field of the schema by key path -> (its schema, required)."""
    out = {}
    required = set(node.get("required", ()))
    for key, child in node.get("properties", {}).items():
        child = _resolve(child)
        out[(*prefix, key)] = (child, key in required)
        items = child.get("items")
        if child.get("type") == "object":
            out.update(_schema_leaves(child, (*prefix, key)))
        elif isinstance(items, dict) and _resolve(items).get("properties"):
            out.update(_schema_leaves(_resolve(items), (*prefix, key)))
    return out


def _editor_leaves(fields: list[dict[str, Any]], prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], dict]:
    out = {}
    for field in fields:
        path = (*prefix, field["name"])
        out[path] = field
        if "fields" in field:
            out.update(_editor_leaves(field["fields"], path))
    return out


@pytest.fixture(scope="module")
def collection() -> dict[str, Any]:
    return editor_config(CONFIG)["collections"][0]


def test_every_schema_field_has_a_widget_with_its_name_label_hint_and_required_flag(collection):
    schema_fields = _schema_leaves(SCHEMA)
    widgets = _editor_leaves(collection["fields"])
    assert set(widgets) - {("body",)} == set(schema_fields)
    for path, (node, required) in schema_fields.items():
        widget = widgets[path]
        assert widget["required"] is required, path
        assert widget["label"] == node.get("title", widget["label"])
        description = node.get("description", "")
        if path not in EDITOR_HINTS and not re.search(r"YYYY|24-hour|in quotes|relative to content/", description):
            assert description in widget.get("hint", ""), path  # the schema's words, unless the control differs
        if "enum" in node:
            values = [o["value"] if isinstance(o, dict) else o for o in widget["options"]]
            assert widget["widget"] == "select" and values == node["enum"]
    assert widgets[("channels",)]["multiple"] is True
    assert widgets[("channels",)]["options"] == [
        {"label": "Facebook", "value": "facebook"}, {"label": "X", "value": "x"},
        {"label": "LinkedIn", "value": "linkedin"}]
    assert (widgets[("channels",)]["min"], widgets[("channels",)]["max"]) == (1, 3)
    assert widgets[("confidentiality_confirmed",)]["widget"] == "boolean"
    assert widgets[("images", "file")]["widget"] == "image"
    assert widgets[("images",)]["max"] == 4
    # The browser's own date and time inputs (no typed century, no AM/PM against a 24-hour hint).
    assert (widgets[("event", "date")]["type"], widgets[("event", "date")]["format"]) == ("date", "YYYY-MM-DD")
    assert (widgets[("event", "time")]["type"], widgets[("event", "time")]["format"]) == ("time", "HH:mm")
    assert widgets[("post_by",)]["hint"].endswith("Needed when Time sensitive is on.")
    assert widgets[("images", "release")]["hint"].endswith("Required when adults or minors can be recognised.")
    assert widgets[("body",)]["widget"] == "markdown"
    # The post text right after the title; Office a choice of the offices review routing knows.
    assert [f["name"] for f in collection["fields"][:3]] == ["title", "body", "category"]
    assert widgets[("submitted_by", "office")] | {} == {**widgets[("submitted_by", "office")], "widget": "select",
                                                         "options": list(CONFIG.editor.supervisors)}
    # An optional group left empty is left out, so every category saves with only its own fields;
    # inside it, the date stays required (Sveltia asks for it only once "Add Event" is ticked).
    assert widgets[("event",)]["required"] is False and widgets[("event", "date")]["required"] is True


JARGON = re.compile(r"YYYY|HH:MM|24-hour|in quotes|YAML|front matter|Markdown|content/|\bfolder\b|\b(true|false)\b|"
                    r"[a-z]+_[a-z_]+")


def test_labels_and_hints_are_plain_words(collection):
    for path, widget in _editor_leaves(collection["fields"]).items():
        for text in (widget["label"], widget.get("hint", "")):
            assert not JARGON.search(text), (path, text)


def test_the_folder_file_names_and_photos_follow_the_format():
    data = editor_config(CONFIG)
    [collection] = data["collections"]
    spec = SCHEMA["x-file-name"]
    assert collection["folder"] == spec["folder"] and "." + collection["extension"] == spec["extension"]
    assert collection["slug"] == "{{year}}-{{month}}-{{day}}-{{slug}}"
    assert data["publish_mode"] == "editorial_workflow"
    assert (data["backend"]["name"], data["backend"]["repo"], data["backend"]["branch"]) == (
        "github", CONFIG.editor.repo, CONFIG.editor.branch)
    assert data["media_folder"] == "content/media"
    # Sveltia writes /media/NAME whatever public_folder says; preview.js's preSave hook writes media/NAME
    # (the browser test reads the saved file). The field keeps its photos in content/media.
    photo = _editor_leaves(collection_of(data)["fields"])[("images", "file")]
    assert photo["media_folder"] == "/content/media" and photo["public_folder"] == "media"
    assert data["output"] == {"omit_empty_optional_fields": True}
    library = data["media_libraries"]["default"]["config"]
    assert library["max_file_size"] == CONFIG.images.max_bytes
    assert library["transformations"]["raster_image"]["format"] == "webp"  # re-encoded: no location, no camera
    assert "heic" not in photo["accept"]


def collection_of(data: dict[str, Any]) -> dict[str, Any]:
    return data["collections"][0]


def test_oauth_settings_reach_the_backend(tmp_path):
    config = config_from_dict({"editor": {"repo": "agency/desk", "branch": "trunk",
                                          "base_url": "https://auth.example.gov",
                                          "auth_endpoint": "oauth/authorize"}}, root=tmp_path)
    backend = editor_config(config)["backend"]
    assert backend["repo"] == "agency/desk" and backend["branch"] == "trunk"
    assert backend["base_url"] == "https://auth.example.gov" and backend["auth_endpoint"] == "oauth/authorize"
    assert "base_url" not in editor_config(CONFIG)["backend"]


STRING_SAMPLES = ["", " ", "ab", "abcde", "  x  ", "x" * 120, "x" * 121, "x" * 2001, "jordan.reyes@example.gov",
                  "not an email", "a@b.c", "https://example.gov/x", "http://example.gov", "https:// bad",
                  "media/photo.jpg", "media/ x.jpg", "photo.jpg", "Capitol Plaza", "10:00", "BackToSchool"]


def test_editor_patterns_accept_exactly_what_the_schema_accepts(collection):
    """The JavaScript patterns are checked with Python's re (same syntax) against the schema validator."""
    checked = 0
    for path, widget in _editor_leaves(collection["fields"]).items():
        if "pattern" not in widget:
            continue
        node, _required = _schema_leaves(SCHEMA)[path]
        validator = jsonschema.Draft202012Validator({**node, "$defs": SCHEMA["$defs"]})
        regex = re.compile(widget["pattern"][0])
        for sample in STRING_SAMPLES + node.get("examples", []):
            if not sample:
                continue  # the editor leaves empty optional fields to `required`
            assert bool(regex.search(sample)) == validator.is_valid(sample), (path, sample)
            checked += 1
    assert checked > 100
    hashtag = _editor_leaves(collection["fields"])[("hashtags",)]["field"]
    regex = re.compile(hashtag["pattern"][0])
    assert regex.search("BackToSchool") and not regex.search("#Back") and not regex.search("1abc")


def test_js_pattern_combines_lengths_and_the_pattern():
    pattern = js_pattern({"minLength": 2, "maxLength": 4, "pattern": "^[a-z]+$"})
    assert pattern is not None
    verdicts = [bool(re.search(pattern, s)) for s in ("a", "ab", "abcd", "abcde", "aB")]
    assert verdicts == [False, True, True, False, False]
    assert js_pattern({}) is None


def test_committed_config_yml_is_not_stale():
    committed = (PROJECT / CONFIG_YML).read_text(encoding="utf-8")
    assert committed == editor_config_yaml(CONFIG), "run: postdesk editor-config --write"
    assert yaml.safe_load(committed) == editor_config(CONFIG)


def test_editor_config_command_prints_and_writes(repo, capsys):
    assert main(["--repo", str(repo.root), "editor-config"]) == 0
    printed = capsys.readouterr().out
    assert printed == editor_config_yaml(repo.config)
    assert main(["--repo", str(repo.root), "editor-config", "--write"]) == 0
    assert (repo.root / CONFIG_YML).read_text(encoding="utf-8") == printed
    assert "Wrote site/admin/config.yml" in capsys.readouterr().out
    assert main(["--repo", str(repo.root), "editor-config", "--write"]) == 0
    assert "Unchanged" in capsys.readouterr().out


INSTALLED = (PROJECT / SVELTIA_PACKAGE / "dist" / SVELTIA_BUNDLE).is_file()
needs_sveltia = pytest.mark.skipif(not INSTALLED, reason="@sveltia/cms is not installed (npm ci --prefix editor)")


def test_index_html_pins_the_locked_sveltia_version_with_an_integrity_hash():
    index = (PROJECT / "site/admin/index.html").read_text(encoding="utf-8")
    version, integrity = pinned_bundle(index)
    assert version == installed_version(PROJECT, "@sveltia/cms")
    package = json.loads((PROJECT / "editor/package.json").read_text(encoding="utf-8"))
    for name, pin in {**package["dependencies"], **package["devDependencies"]}.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", pin), name  # exact pins, not ranges
    assert package["dependencies"]["@sveltia/cms"] == version
    if not INSTALLED:
        pytest.skip("@sveltia/cms is not installed (npm ci --prefix editor): cannot compare the integrity hash")
    served, _fonts = self_hosted_bundle((PROJECT / SVELTIA_PACKAGE / "dist" / SVELTIA_BUNDLE).read_text("utf-8"))
    assert sri_hash(served.encode("utf-8")) == integrity, f"update index.html: {sri_hash(served.encode('utf-8'))}"


def test_sri_hash_is_the_sha384_the_browser_checks():
    expected = "sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO"  # the example in the SRI spec
    assert sri_hash(b"alert('Hello, world.');") == expected


BUNDLE_EXCERPT = (
    "src:url(https://cdn.jsdelivr.net/fontsource/fonts/material-symbols-outlined:vf@5.3.7/latin-wght-normal.woff2) "
    "JW=e=>{let t=`https://unpkg.com/${e}`} iP=`https://unpkg.com/@sveltia/cms` "
    "Oye=`https://www.githubstatus.com/api/v2/status.json`"
)


def test_the_bundle_is_rewritten_to_load_nothing_from_another_origin():
    served, fonts = self_hosted_bundle(BUNDLE_EXCERPT)
    assert "https://" not in served
    assert "src:url(fonts/material-symbols-outlined-latin-wght-normal.woff2)" in served
    assert "`./vendor/${e}`" in served and "`./vendor/@sveltia/cms`" in served
    icons = "material-symbols-outlined-latin-wght-normal"
    assert fonts == [(f"fonts/{icons}.woff2", f"{icons}-")]
    with pytest.raises(UsageError, match=r"no longer has the expected fonts on cdn\.jsdelivr\.net"):
        self_hosted_bundle(BUNDLE_EXCERPT.replace("cdn.jsdelivr.net/fontsource", "fonts.example/x"))
    with pytest.raises(UsageError, match=r"still names cdn\.jsdelivr\.net"):
        self_hosted_bundle(BUNDLE_EXCERPT + " https://cdn.jsdelivr.net/npm/other")


@needs_sveltia
def test_build_admin_assembles_a_servable_folder(repo, tmp_path):
    index = build_admin(repo.config, tmp_path / "admin", sources=PROJECT)
    folder = index.parent
    for name in ("index.html", "config.yml", "preview.js", "postdesk.js", "cards.css", SVELTIA_BUNDLE,
                 "chunks/react-dom.js", "fonts/material-symbols-outlined-latin-wght-normal.woff2",
                 "fonts/material-symbols-outlined.LICENSE.txt", "vendor/immutable@5.1.9/dist/immutable.es.js",
                 "vendor/github-status.json", "vendor/@sveltia/cms/package.json"):
        assert (folder / name).is_file(), name
    assert (folder / "cards.css").read_bytes() == (PROJECT / "theme/static/css/cards.css").read_bytes()
    assert (folder / "config.yml").read_text() == editor_config_yaml(repo.config)
    settings = (folder / "postdesk.js").read_text()
    assert '"limit": 280' in settings and "@MoChildrensDiv" in settings and '"max_photo_bytes": 20000000' in settings
    assert json.loads((folder / "vendor/@sveltia/cms/package.json").read_text()) == {
        "version": installed_version(PROJECT, "@sveltia/cms")}  # the update check finds nothing newer


@needs_sveltia
def test_the_editor_page_has_its_own_policy_everything_from_admin_only(repo, tmp_path):
    html = build_admin(repo.config, tmp_path / "admin", sources=PROJECT).read_text(encoding="utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)[1]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no third-party, inline or eval'd script
    assert directives["font-src"] == "'self'"
    assert directives["default-src"] == "'none'" and directives["object-src"] == "'none'"
    assert set(directives["connect-src"].split()) == {"'self'", "blob:", "data:", "https://api.github.com"}


def test_build_admin_refuses_a_bundle_that_does_not_match(repo, tmp_path):
    sources = tmp_path / "project"
    (sources / "site/admin").mkdir(parents=True)
    (sources / "site/admin/index.html").write_text((PROJECT / "site/admin/index.html").read_text())
    dist = sources / SVELTIA_PACKAGE / "dist"
    dist.mkdir(parents=True)
    (dist / SVELTIA_BUNDLE).write_text(BUNDLE_EXCERPT + " tampered")
    (dist.parent / "package.json").write_text(json.dumps({"version": installed_version(PROJECT, "@sveltia/cms")}))
    with pytest.raises(UsageError, match="bundle differs"):
        build_admin(repo.config, tmp_path / "out", sources=sources)
    assert not (tmp_path / "out").exists()  # nothing written before every check passed
    with pytest.raises(UsageError, match="not installed"):
        build_admin(repo.config, tmp_path / "out", sources=tmp_path / "empty")


def test_check_rules_carry_the_joint_rules_with_the_forms_labels():
    rules = {tuple(rule["path"]): rule for rule in check_rules(CONFIG)["rules"]}
    assert rules[("event",)]["when"] == {"path": ["category"], "values": ["event"], "label": "Category", "const": None}
    assert rules[("event", "date")]["required"] and rules[("event", "date")]["date"]
    assert rules[("post_by",)]["when"]["label"] == "Time sensitive"
    assert rules[("images", "*", "release")]["when"]["values"] == ["adults", "minors"]
    assert rules[("images", "*", "court_approved")]["when"]["const"] is True
    assert rules[("confidentiality_confirmed",)]["const"] is True
    assert rules[("images", "*", "alt")]["group"] == "Photo" and rules[("images", "*", "alt")]["required"]
    assert rules[("body",)]["label"] == "Post text"
    assert check_rules(CONFIG)["pulls_url"] == f"https://github.com/{CONFIG.editor.repo}/pulls"


ROUTING = {"editor": {"communications_team": "@agency/comms", "supervisors": {
    "Cole County Office": "@agency/cole", "Boone County Office": "@ann @bob"}}}


def test_codeowners_gives_every_submission_to_the_team_and_names_each_office(tmp_path):
    config = config_from_dict(ROUTING, root=tmp_path)
    text = codeowners_text(config)
    lines = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line and not line.startswith("#")}
    assert lines["/content/submissions/"] == ["@agency/comms"]
    assert lines["/content/media/"] == lines["/content/submissions/"]
    assert lines["/postdesk.toml"] == ["@agency/comms"]
    assert lines["/.github/"] == ["@agency/comms"]
    assert "#   Boone County Office: @ann @bob" in text


def test_a_submission_is_routed_to_its_own_office_supervisors(tmp_path):
    from postdesk.editor import offices_from_json, reviewers_for
    from postdesk.errors import UsageError

    config = config_from_dict(ROUTING, root=tmp_path)
    assert reviewers_for(config, ["Boone County Office"]) == (["@ann", "@bob"], [])
    assert reviewers_for(config, ["Cole County Office", "Boone County Office", "Cole County Office"]) == (
        ["@agency/cole", "@ann", "@bob"], [])
    assert reviewers_for(config, ["Mars Office"]) == ([], ["Mars Office"])
    assert offices_from_json('["Boone County Office"]') == ["Boone County Office"]
    for hostile in ('{"office": "x"}', '[1]', '["' + "x" * 500 + '"]', "not json", json.dumps(["o"] * 21)):
        with pytest.raises(UsageError):
            offices_from_json(hostile)


def test_the_preview_lists_the_offices_and_the_cli_turns_them_into_reviewers(example_repo, tmp_path, capsys):
    import io

    from postdesk.preview import build_preview

    paths = sorted(f"content/submissions/{p.name}" for p in (example_repo.root / "content/submissions").glob("*.md"))
    build_preview(example_repo.config, paths, out=tmp_path / "preview", today=TODAY, site=False)
    offices = json.loads((tmp_path / "preview" / "offices.json").read_text(encoding="utf-8"))
    assert "Cole County Office" in offices and "Boone County Office" in offices
    out = io.StringIO()
    code = main(["--repo", str(example_repo.root), "reviewers", str(tmp_path / "preview" / "offices.json")],
                stdout=out)
    assert code == 0
    assert set(out.getvalue().split()) == {"@example-agency/cole-county-supervisors",
                                           "@example-agency/boone-county-supervisors"}
    # stdout is the list the workflow reads; the examples' other offices are said on stderr
    assert "no supervisors configured for the office 'Greene County Office'" in capsys.readouterr().err


def test_committed_codeowners_is_not_stale():
    committed = (PROJECT / CODEOWNERS).read_text(encoding="utf-8")
    assert committed == codeowners_text(CONFIG), "run: postdesk codeowners --write"


def test_pull_request_template_has_the_checklist():
    text = (PROJECT / ".github/pull_request_template.md").read_text(encoding="utf-8")
    for item in ("Supervisor routed", "Photos released", "Confidentiality confirmed"):
        assert f"- [ ] **{item}:**" in text


def test_submit_a_post_url_opens_github_with_the_template(repo):
    url = github_new_file_url(CONFIG)
    parsed = urllib.parse.urlsplit(url)
    assert parsed.netloc == "github.com"
    assert parsed.path == f"/{CONFIG.editor.repo}/new/{CONFIG.editor.branch}/content/submissions"
    query = urllib.parse.parse_qs(parsed.query)
    assert query["filename"] == ["YYYY-MM-DD-short-title.md"]
    [value] = query["value"]
    assert value == submission_template()
    for key in SCHEMA["properties"]:
        assert f"{key}:" in value, f"the template does not mention {key}"
    front = yaml.safe_load(value.split("---\n")[1])
    assert "confidentiality_confirmed" in front and front["confidentiality_confirmed"] is None  # the writer sets it


def test_the_untouched_template_fails_the_check_on_its_pull_request_branch(repo):
    """The file exactly as the "Submit a post" link creates it, committed on a branch, checked as CI does."""
    [value] = urllib.parse.parse_qs(urllib.parse.urlsplit(github_new_file_url(CONFIG)).query)["value"]
    repo.git.git.checkout("-b", "jordan-patch-1")
    rel = "content/submissions/2026-11-23-short-title.md"
    repo.write(rel, value)
    repo.commit("Create 2026-11-23-short-title.md")
    result = subprocess.run([sys.executable, "-m", "postdesk", "check", "--changed-since", "main", "--today",
                             "2026-11-23", "--format", "json"], cwd=repo.root, capture_output=True, text=True,
                            check=False, env={**os.environ, "PYTHONPATH": str(PROJECT / "tools")})
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    found = sorted((f["rule"], f["message"]) for f in findings if f["severity"] == "error")
    assert found == sorted([
        ("schema.value", "'No child or family in care can be identified' must be ticked."),
        ("template.unchanged", "Title is still the template's example text."),
        ("template.unchanged", "Your name is still the template's example text."),
        ("template.unchanged", "Your work e-mail is still the template's example text."),
        ("template.unchanged", "Supervisor's name is still the template's example text."),
        ("template.unchanged", "Supervisor's e-mail is still the template's example text."),
        ("template.unchanged", "The post text is still the template's example text."),
    ])
    lines = value.splitlines()
    for finding in findings:
        assert finding["line"] > 0 and finding["hint"]
        if finding["message"].startswith("Title"):
            assert lines[finding["line"] - 1].startswith("title: ")
            assert finding["hint"].startswith("Replace 'Title' with your own.")


def _switched_on(text: str) -> str:
    """The template with the '# ' removed from its commented example fields."""
    lines = []
    for line in text.splitlines():
        if re.match(r"^# (?:[a-z_]+:|  )", line) and not line.startswith("# Replace"):
            line = line[2:]
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_the_templates_optional_placeholders_are_flagged_too(repo):
    rel = "content/submissions/2026-11-23-backpack-drive.md"
    repo.write(rel, _switched_on(submission_template()).replace("YYYY-MM-DD-photo-name", "2026-11-20-backpacks"))
    from postdesk.check import check_submissions

    findings = check_submissions(repo.config, [rel], today=TODAY).findings
    flagged = {f.message for f in findings if f.rule == "template.unchanged"}
    assert {"Text for X is still the template's example text.",
            "Photo 1 → Alt text is still the template's example text.",
            "Photo 1 → Release forms is still the template's example text."} <= flagged
    assert {f.rule for f in findings if "YYYY" in f.message} == {"schema.format"}  # dates must be written in


def test_every_optional_field_in_the_template_works_once_filled_in(repo):
    """Switching on every commented field and replacing the placeholders gives a valid submission."""
    text = _switched_on(submission_template()).replace("category: announcement", "category: event")
    for placeholder, own in [
        ("Write a short headline here", "Back-to-School Backpack Drive in Cole County"),
        ("Your Name", "Jordan Reyes"), ("your.name@example.gov", "jordan.reyes@example.gov"),
        ("Supervisor Name", "Pat Lee"), ("supervisor.name@example.gov", "pat.lee@example.gov"),
        ("date: YYYY-MM-DD", "date: 2026-12-05"), ("post_by: YYYY-MM-DD", "post_by: 2026-12-04"),
        ("post_after: YYYY-MM-DD", "post_after: 2026-11-30"),
        ("media/YYYY-MM-DD-photo-name.jpg", "media/2026-11-20-backpacks.jpg"),
        ("Write a shorter version for X here.", "Fill 400 backpacks with us at Capitol Plaza on 5 December."),
        ("Describe what the photo shows", "Volunteers stack donated backpacks on a long table"),
        ("Write the numbers of the signed release forms here", "The signed forms are with the Cole County Office"),
        ("confidentiality_confirmed:", "confidentiality_confirmed: true"),
        ("Write the post here, in plain words.", "Bring school supplies to Capitol Plaza."),
    ]:
        assert placeholder in text, placeholder
        text = text.replace(placeholder, own)
    rel = "content/submissions/2026-11-23-backpack-drive.md"
    repo.write(rel, text)
    from postdesk.check import check_submissions

    findings = check_submissions(repo.config, [rel], today=TODAY).findings
    assert [f.rule for f in findings if f.is_error] == [], [f.message for f in findings]


def test_preview_js_registers_the_shared_cards_and_the_x_count():
    script = (PROJECT / "site/admin/preview.js").read_text(encoding="utf-8")
    assert 'CMS.registerPreviewStyle("cards.css")' in script
    assert 'CMS.registerPreviewTemplate("submissions"' in script
    assert 'name: "preSave"' in script  # the checks run again before a save, and a photo is written media/NAME
    for css_class in ("pd-card", "pd-header", "pd-avatar", "pd-text", "pd-overflow", "pd-count", "pd-alt"):
        assert css_class in script
        assert f".{css_class}" in (PROJECT / "theme/static/css/cards.css").read_text(encoding="utf-8")


def test_the_committed_admin_folder_is_only_what_is_documented():
    names = sorted(p.name for p in (PROJECT / "site/admin").iterdir())
    assert names == ["config.yml", "index.html", "preview.js"]


def test_config_yml_uses_only_widgets_the_editor_knows(collection):
    """The editor ignores unknown widgets silently; at least every field has a known widget."""
    known = {"string", "text", "select", "boolean", "object", "list", "datetime", "image", "markdown"}
    assert {w["widget"] for w in _editor_leaves(collection["fields"]).values()} <= known



def test_the_readme_submit_a_post_link_is_the_generated_one():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert f"**[Submit a post]({github_new_file_url(CONFIG)})**" in readme, "regenerate the link in the README"
    assert "![The web editor" in readme and (PROJECT / "docs/editor.png").is_file()
