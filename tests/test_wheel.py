"""The built wheel works on its own: installed into a fresh venv outside the repository, it answers
from its bundled documents, and with a language model configured it finds its bundled prompts.

Dependencies come from the project's environment (a ``.pth`` line pointing at its site-packages, so
nothing is downloaded); ``bot`` and ``retrieval`` must come from the wheel, which the test checks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.retrieval.llm.testkit import LoopbackOpenAI, ServerScript

pytestmark = pytest.mark.slow


def _uv() -> list[str]:
    found = shutil.which("uv")
    if found:
        return [found]
    for python in ("python3", sys.executable):
        probe = subprocess.run([python, "-m", "uv", "--version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return [python, "-m", "uv"]
    pytest.skip("uv is not installed (the README's set-up installs it)")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with only the wheel installed; returns its ``bin`` directory."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    subprocess.run(
        [*_uv(), "build", "--wheel", "--out-dir", str(dist), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("newsbot-*.whl")
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    site = next((env_dir / "lib").glob("python3*/site-packages"))
    # The project's own dependencies, without its editable install of bot/retrieval (a plain
    # path line adds the folder but runs none of the .pth files inside it).
    (site / "newsbot-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = env_dir / "bin" / "python"
    subprocess.run(
        [*_uv(), "pip", "install", "--no-deps", "--python", str(python), str(wheel)],
        check=True,
        capture_output=True,
    )
    return env_dir / "bin"


def _run(bin_dir: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "OPENAI_"))}
    clean.pop("PYTHONPATH", None)
    return subprocess.run(
        [str(bin_dir / "newsbot"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean, "NEWSBOT_STORE": str(cwd / "store"), **env},
        timeout=300,
        check=False,
    )


def test_the_wheel_carries_its_code_prompts_and_documents(installed: Path, tmp_path: Path) -> None:
    probe = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            "import retrieval, bot; from retrieval.settings import Settings; s = Settings();"
            "print(retrieval.__file__); print(bot.__file__);"
            "print(s.newsbot_prompts); print(s.newsbot_documents)",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    paths = [Path(line) for line in probe.stdout.splitlines()]
    for path in paths:
        assert installed.parent in path.parents, f"{path} is not inside the installed venv"
        assert REPO not in path.parents
    assert (paths[2] / "answer.txt").is_file()
    assert len(list(paths[3].glob("*.txt"))) == 5


def test_the_installed_wheel_answers_from_its_bundled_documents(
    installed: Path, tmp_path: Path
) -> None:
    done = _run(
        installed, "ask", "--json", "What gifts were exchanged at the summit?", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert not answer["abstained"] and answer["citations"]
    assert "gift" in answer["answer"].lower()


def test_the_installed_wheel_answers_with_a_language_model(installed: Path, tmp_path: Path) -> None:
    reply = "North Korea sent artillery shells and missiles to Russia [1]."
    with LoopbackOpenAI(ServerScript(mode="ok", reply=reply)) as server:
        done = _run(
            installed,
            "ask",
            "--json",
            "What weapons did North Korea send to Russia?",
            cwd=tmp_path,
            OPENAI_BASE_URL=server.base_url,
            NEWSBOT_LLM_MODEL="loopback-test",
        )
        requests = server.script.requests
    assert done.returncode == 0, done.stderr
    assert requests, "the model was never asked: the prompts did not load"
    system = requests[0]["messages"][0]["content"]
    assert "NO_ANSWER" in system  # the bundled answer prompt
    answer = json.loads(done.stdout)
    assert answer["citations"]
