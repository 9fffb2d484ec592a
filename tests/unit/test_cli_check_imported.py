"""`apidrift check --api NAME` on an API apidrift does not ship reads the examples `import-openapi`
wrote (recordings/<api>/<version>/), so import then check works without naming the folder."""

from __future__ import annotations

from pathlib import Path

from cli_support import run_cli

DOC = """\
openapi: 3.0.3
info: {title: Shop, version: 1.0.0}
paths:
  /items:
    get:
      operationId: listItems
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, required: [id], properties: {id: {type: string}}}
              example: {id: it_1}
"""


def test_import_then_check_reads_the_imported_examples(tmp_path: Path) -> None:
    (tmp_path / "shop.yaml").write_text(DOC, encoding="utf-8")
    imported = run_cli("import-openapi", "shop.yaml", "--contracts", "contracts", cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert (tmp_path / "recordings" / "shop" / "1.0.0").is_dir()
    checked = run_cli("check", "--api", "shop", "--contracts", "contracts", "--no-reports", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "1 of 1 responses valid" in checked.stdout
