"""The house reads bottom-up: an app imports only the apps below it in the README's order.

The order is the line "Layers, bottom-up:" of README.md's "How it is built" — the one place it is
written. Every module of every app is read (imports at the top, inside functions, and dotted
``"fugong.<app>…"`` strings handed to import_string), and so is every template (``{% url %}``,
``{% include %}`` and ``{% extends %}`` of another app's names): an arrow that runs upward fails.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "fugong"


def layers() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^Layers, bottom-up: (.+)$", readme, re.M)
    assert match, "README.md must state the apps' order on a line 'Layers, bottom-up: core → …'"
    return [name.strip(" `") for name in match.group(1).split("→")]


def apps_on_disk() -> set[str]:
    return {p.name for p in PACKAGE.iterdir() if (p / "apps.py").exists()}


def referenced_apps(path: Path, apps: set[str], root: Path = ROOT):
    """(line, app) for every reference of a module to ``fugong.<app>``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the module's package
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.fullmatch(r"fugong(\.\w+)+", node.value)
        ):
            names = [node.value]
        targets = {name.split(".")[1] for name in names if re.match(r"fugong\.\w+", name)}
        for target in sorted(targets & apps):
            yield node.lineno, target


TEMPLATE_REF = re.compile(r"""{%\s*(?:url\s+['"](?P<ns>\w+):|(?:include|extends)\s+['"](?P<dir>\w+)/)""")


def template_refs(path: Path, apps: set[str]):
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for match in TEMPLATE_REF.finditer(line):
            app = match.group("ns") or match.group("dir")
            app = {"api-1.0.0": "core", "health": "health"}.get(app, app)
            if app in apps:
                yield lineno, app


def upward_arrows() -> list[str]:
    order = layers()
    rank = {name: i for i, name in enumerate(order)}
    apps = apps_on_disk()
    found = []
    for app in sorted(apps):
        for path in sorted((PACKAGE / app).rglob("*")):
            if "migrations" in path.parts:  # a migration's dependencies follow the models' relations
                continue
            if path.suffix == ".py":
                refs = referenced_apps(path, apps)
            elif path.suffix == ".html":
                refs = template_refs(path, apps)
            else:
                continue
            for lineno, target in refs:
                if target != app and rank[target] > rank[app]:
                    found.append(f"{path.relative_to(ROOT)}:{lineno}: {app} → {target}")
    return found


def test_the_readme_orders_every_app_once():
    order = layers()
    assert order[0] == "core"
    assert len(order) == len(set(order))
    assert set(order) == apps_on_disk()


def test_no_app_imports_an_app_above_it():
    assert upward_arrows() == []


@pytest.mark.parametrize(
    "source",
    [
        "from fugong.resumption.models import Filing\n",
        "def f():\n    from fugong.resumption import services\n",
        'READER = "fugong.resumption.selectors.person_file_rosters"\n',
    ],
)
def test_the_check_sees_each_kind_of_upward_arrow(tmp_path, source):
    """The check itself cannot go blind: each kind of reference from enterprises to resumption is found."""
    module = tmp_path / "fugong" / "enterprises" / "probe.py"
    module.parent.mkdir(parents=True)
    module.write_text(source)
    refs = list(referenced_apps(module, apps_on_disk(), root=tmp_path))
    assert [app for _, app in refs] == ["resumption"]


def test_the_check_sees_a_template_naming_an_app_above(tmp_path):
    template = tmp_path / "x.html"
    template.write_text("{% url 'quarantine:order_detail' 1 %} {% include \"resumption/_card.html\" %}")
    assert [app for _, app in template_refs(template, apps_on_disk())] == ["quarantine", "resumption"]
