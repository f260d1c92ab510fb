"""Development without DJANGO_SECRET_KEY: every process reads the same kept key, so a release notice
signed by ``manage.py demo`` verifies on the server, and sessions survive a restart."""

import os
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

from fugong.settings import development_secret_key

PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def key_of_a_new_process() -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SECRET_KEY", "FUGONG_ENV")}
    env["DJANGO_SETTINGS_MODULE"] = "fugong.settings"
    out = subprocess.run(  # noqa: S603 (our own interpreter, a fixed command)
        [sys.executable, "-c", "import django; django.setup(); " + PRINT_KEY],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return out.stdout.strip()


def test_two_processes_share_the_kept_key():
    first, second = key_of_a_new_process(), key_of_a_new_process()
    assert len(first) >= 50 and first == second


def test_the_key_is_made_once_private_and_shared_by_racing_processes(tmp_path):
    path = tmp_path / ".dev-secret-key"
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: development_secret_key(path), range(16)))
    assert len(keys) == 1 and path.read_text() == keys.pop()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert development_secret_key(path) == path.read_text()
