"""`make editor`: try the web editor locally, on this repository's files.

Builds /admin/ as `postdesk editor-build` does and serves it on 127.0.0.1 (EDITOR_PORT, default
8080), then prints the address. Sveltia CMS has no local server: open the address in Chrome or
Edge (they have the File System Access API; Firefox and Safari do not), click "Work with Local
Repository" and choose this repository's folder. Saving writes the submission and its photos into
content/ of the working tree, like a colleague's pull request would: look at them with `git status`,
run `postdesk check`, and delete or commit them yourself (nothing is committed or pushed).
Ctrl-C stops the server.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,  # noqa: RUF012
                      ".yml": "text/yaml", ".js": "text/javascript"}

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    sys.path.insert(0, str(ROOT / "tools"))
    from postdesk.config import load_config
    from postdesk.editor import build_admin
    from postdesk.errors import PostdeskError

    web_port = int(os.environ.get("EDITOR_PORT", "8080"))
    with tempfile.TemporaryDirectory(prefix="postdesk-editor-") as folder:
        try:
            build_admin(load_config(ROOT), Path(folder) / "admin", sources=ROOT)
        except PostdeskError as exc:
            print(f"postdesk: {exc}")
            return 2
        web = http.server.ThreadingHTTPServer(("127.0.0.1", web_port),
                                              functools.partial(_Handler, directory=folder))
        print(f"\nThe web editor: http://127.0.0.1:{web_port}/admin/  (Chrome or Edge; click \"Work with Local "
              f"Repository\" and choose {ROOT}; Ctrl-C stops)\n", flush=True)
        try:
            web.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            web.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
