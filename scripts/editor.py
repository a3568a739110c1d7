"""`make editor`: try the web editor locally, against this repository.

Starts Decap's local backend (decap-server, MODE=git, so the editorial workflow makes real
`cms/submissions/<slug>` branches in this repository) and a static server for /admin/, both on
loopback, and prints the address. Ctrl-C stops both.

decap-server switches branches in the working tree while it saves, then switches back: so this
refuses to start when the working tree has uncommitted changes. EDITOR_PORT (default 8080) and
DECAP_PORT (default 8081) choose the ports.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
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

    node = shutil.which("node")
    server_js = ROOT / "editor/node_modules/decap-server/dist/index.js"
    if not node or not server_js.is_file():
        print("make editor needs Node.js and the npm install in editor/ (apt-get install nodejs npm; make setup)")
        return 2
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout
    if dirty.strip():
        print("The working tree has uncommitted changes; decap-server switches branches while it saves.\n"
              "Commit or stash them first (or try the editor in a clone).")
        return 2
    web_port, api_port = int(os.environ.get("EDITOR_PORT", "8080")), int(os.environ.get("DECAP_PORT", "8081"))
    with tempfile.TemporaryDirectory(prefix="postdesk-editor-") as folder:
        admin = Path(folder) / "admin"
        try:
            build_admin(load_config(ROOT), admin, local_backend=f"http://127.0.0.1:{api_port}/api/v1")
        except PostdeskError as exc:
            print(f"postdesk: {exc}")
            return 2
        env = {**os.environ, "MODE": "git", "GIT_REPO_DIRECTORY": str(ROOT), "PORT": str(api_port),
               "BIND_HOST": "127.0.0.1"}
        backend = subprocess.Popen([node, str(server_js)], env=env)
        web = http.server.ThreadingHTTPServer(("127.0.0.1", web_port),
                                              functools.partial(_Handler, directory=folder))
        print(f"\nThe web editor: http://127.0.0.1:{web_port}/admin/  (local backend on 127.0.0.1:{api_port}; "
              "Ctrl-C stops)\n", flush=True)
        try:
            web.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            web.server_close()
            backend.terminate()
            backend.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
