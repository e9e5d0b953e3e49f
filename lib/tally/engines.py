"""Where chunks of work run: in this process, a pool of local processes, or a Dask cluster.

The archive-scale stages (`tally.streaming`'s extraction, `tally.collect`'s reading of web
archives) cut their work into chunks and hand them to `executor_for`, then take the results
back in order with `in_order`, which keeps only a few chunks in flight, so memory is bounded
by the window, not by the archive.

- `local`: a pool of processes on this machine, one per core by default (one chunk or one
  worker: in this process, `InProcess`);
- `dask`: a Dask cluster (`pip install 'tally[dask]'`): a scheduler's address, or a local
  cluster started for the run.
"""

from __future__ import annotations

import collections
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from contextlib import ExitStack, contextmanager
from typing import Any

ENGINES = ("local", "dask")


def in_order(executor: Executor, tasks: Iterator[Any], window: int,
             submit: Callable[[Any], Future]) -> Iterator[tuple[Any, Any]]:
    """(task, result) for each task in order, with at most `window` submitted and not yet taken."""
    pending: collections.deque[tuple[Any, Future]] = collections.deque()
    for task in tasks:
        pending.append((task, submit(task)))
        if len(pending) >= window:
            task, future = pending.popleft()
            yield task, future.result()
    while pending:
        task, future = pending.popleft()
        yield task, future.result()


class InProcess(Executor):
    """Runs each task when submitted, in this process: for small batches and one worker."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to whoever takes the result, as a pool would
            future.set_exception(error)
        return future


@contextmanager
def executor_for(engine: str, workers: int | None, chunks: int, scheduler: str | None = None,
                 preload: Sequence[str] = ()) -> Iterator[tuple[Executor, int]]:
    """An executor for the engine, and how many chunks to keep in flight (bounding memory).
    `preload`: modules a local worker imports once when it starts (the stage's own)."""
    workers = workers or os.cpu_count() or 1
    if engine == "dask":
        try:
            from distributed import Client, LocalCluster
        except ImportError as error:
            raise RuntimeError("the dask engine needs the dask extra: pip install 'tally[dask]'") from error
        with ExitStack() as stack:
            if scheduler:
                client = stack.enter_context(Client(scheduler))
            else:
                cluster = stack.enter_context(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                           dashboard_address=None))
                client = stack.enter_context(Client(cluster))
            cores = sum(client.nthreads().values()) or workers
            yield client.get_executor(pure=False), 2 * cores
        return
    if workers == 1 or chunks <= 1:
        yield InProcess(), 1
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # forkserver: workers start from a clean process with the extractor imported once,
    # not as forks of a parent that may be running threads (a render's kernels).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    pool = ProcessPoolExecutor(max_workers=min(workers, chunks), mp_context=context,
                               initializer=_end_with, initargs=(os.getpid(),))
    try:
        yield pool, 2 * workers
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)  # interrupted: drop the chunks not started
        raise
    pool.shutdown(wait=True)


def _end_with(parent: int) -> None:
    """In a worker: exit when the run that started it is gone (killed outright, it cannot stop its
    workers, which would otherwise wait for work forever)."""
    import threading

    def watch() -> None:
        while not _gone(parent):
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="tally-parent-watch", daemon=True).start()


def _gone(pid: int) -> bool:
    """Whether process `pid` has ended: no such process, or a zombie its own parent has not reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:  # no /proc (not Linux): a live pid is taken as alive
        return False
