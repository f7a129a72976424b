"""run-prod's supervisor: a process that exits is started again; one that keeps dying stops all."""

import sys
from pathlib import Path

import pytest

from bot.deploy.run import MAX_RESTARTS, Supervisor
from bot.deploy.stack import Ports, ProdStack
from bot.runner import Service
from bot.settings import Settings


def stack_with(tmp_path: Path, *services: Service) -> ProdStack:
    stack = ProdStack(Settings(), tmp_path / "model.tar.gz", Ports.free(1), tmp_path, tmp_path)
    stack.services = {s.name: s for s in services}
    return stack


def process(tmp_path: Path, name: str, code: str) -> Service:
    return Service(name, [sys.executable, "-c", code], {}, "http://127.0.0.1:9/", tmp_path / name)


def test_a_process_that_exits_is_started_again(tmp_path: Path) -> None:
    worker = process(tmp_path, "worker", "import time; time.sleep(60)")
    supervisor = Supervisor(stack_with(tmp_path, worker))
    worker.start()
    worker.kill()
    supervisor.check()
    assert worker.running()
    worker.stop()


def test_a_process_that_keeps_exiting_stops_the_deployment(tmp_path: Path) -> None:
    broken = process(tmp_path, "broken", "raise SystemExit(3)")
    supervisor = Supervisor(stack_with(tmp_path, broken))
    broken.start()
    for _ in range(MAX_RESTARTS):
        assert broken.process is not None
        broken.process.wait()
        supervisor.check()  # starts it again
    assert broken.process is not None
    broken.process.wait()
    with pytest.raises(RuntimeError, match="broken keeps exiting"):
        supervisor.check()
