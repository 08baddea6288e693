"""Serving an app over real HTTP: waitress (a production, multi-threaded WSGI server) in a thread.

Used by ``qbo-sim serve`` and by tests (``LiveServer``), so the suite exercises the same server
users run. Port 0 picks a free port; ``url`` tells which.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import create_server

__all__ = ["LiveServer", "ThreadedServer", "QuietChannel", "create_waitress", "THREADS", "SPARE_LIMIT"]

#: Worker threads per server: waitress' own default. More workers do not add throughput under the GIL, they
#: only fight over it: with 16, a waiting worker's GIL drop request came so often that 77 % of invoice creates
#: found the company lock held by a preempted worker, and creates ran at 0.37× bare Flask (p99 2.3×) against
#: 0.50× (p99 1.9×) with 4 (issue 16, docs/performance.md). Requests that only wait (latency and timeout
#: rules) do not count against it: see :meth:`ThreadedServer.spare_worker`.
THREADS = 4
#: spare workers at most (waitress' default ``connection_limit``: more requests than that cannot be held anyway)
SPARE_LIMIT = 100


class QuietChannel(HTTPChannel):
    """waitress' HTTP channel, writable only when waitress' I/O loop can write to it.

    A request's task sends its own output (``write_soon`` flushes as it writes) while holding the channel's
    output lock. Meanwhile waitress' ``writable()`` is true, ``select()`` returns at once, and the loop's
    ``handle_write`` finds the lock taken and does nothing: the loop spins, and takes the GIL from the very
    task it waits for. Under 32 connections of invoice creates that was ~100 loop passes per request and up
    to 10× the CPU per create (issue 16, docs/performance.md). Here the channel is not writable while its
    task holds the lock; a task that leaves output unsent pulls waitress' trigger, and so does every task's
    end (``HTTPChannel.service``), so the loop wakes for it. Nothing waits on a timer.
    """

    def writable(self) -> bool:
        if self.requests and not (self.will_close or self.close_when_flushed):
            if not self.outbuf_lock.acquire(False):
                return False  # the task is writing
            self.outbuf_lock.release()
        return bool(super().writable())


def create_waitress(app: Any, *, host: str = "127.0.0.1", port: int = 0, threads: int = THREADS,
                    ident: str = "qbo-sim", **options: Any) -> Any:
    """waitress serving ``app`` the way every server here does (the simulator, the driver server, the
    benchmark's bare-Flask baseline): its default loop settings and thread count, :class:`QuietChannel`,
    300 s channel timeout. Not started; ``.run()`` it."""
    logging.getLogger("waitress").setLevel(logging.ERROR)  # dropped-connection rules are expected
    server = create_server(app, host=host, port=port, threads=threads, ident=ident, channel_timeout=300,
                           **options)
    server.channel_class = QuietChannel
    return server


class ThreadedServer:
    """A WSGI app on waitress in a daemon thread: ``with ThreadedServer(app) as server: server.url``.

    waitress sleeps in ``select()`` until a socket is ready (its ``asyncore_loop_timeout`` is whole
    seconds; a fraction becomes 0, a loop that never waits), and :meth:`stop` wakes it through waitress'
    trigger, so nothing polls. Port 0 picks a free port. Shared by the simulator (:class:`LiveServer`)
    and the driver server (``caspen-sync serve-driver``).
    """

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0, threads: int = THREADS,
                 ident: str = "qbo-sim", **options: Any) -> None:
        self.app = app
        self.threads = threads
        self._server = create_waitress(app, host=host, port=port, threads=threads, ident=ident, **options)
        self.host = host
        self.port = int(self._server.effective_port)  # type: ignore[union-attr]
        self.stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"{ident}:{self.port}", daemon=True)
        self._spare_lock = threading.Lock()
        self._spare = 0

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> Any:
        self.stopping.clear()
        self._thread.start()
        return self

    @property
    def workers(self) -> int:
        """Worker threads the pool keeps now: ``threads`` plus one per request that is waiting."""
        dispatcher = self._server.task_dispatcher  # type: ignore[union-attr]
        with dispatcher.lock:
            return len(dispatcher.threads) - dispatcher.stop_count  # type: ignore[no-any-return]

    @contextmanager
    def spare_worker(self) -> Iterator[None]:
        """Add a worker for as long as the calling request only waits (a latency or timeout rule).

        The pool's size bounds the requests *working* at once (:data:`THREADS`); a request held for
        seconds must not take one of those places, or a few held requests would stall every other client
        of the simulator, which QuickBooks never does. waitress' own ``set_thread_count`` grows the pool
        and shrinks it back (the next worker to go idle leaves): a thread started and ended per hold, and
        a request that goes on working after a latency hold does so beside the pool's own workers. At most
        :data:`SPARE_LIMIT` at once (waitress' default connection limit); beyond that a held request keeps
        its worker. Nothing changes once the server stops.
        """
        dispatcher = self._server.task_dispatcher  # type: ignore[union-attr]
        with self._spare_lock:
            lent = self._spare < SPARE_LIMIT and not self.stopping.is_set()
            if lent:
                self._spare += 1
                dispatcher.set_thread_count(self.threads + self._spare)
        try:
            yield
        finally:
            if lent:
                with self._spare_lock:
                    self._spare -= 1
                    if not self.stopping.is_set():  # stop() sets it under this lock: no worker outlives stop
                        dispatcher.set_thread_count(self.threads + self._spare)

    def _run(self) -> None:
        try:
            self._server.run()
        except OSError:
            # a loop that someone else's stop() left with a closed descriptor (serve_forever in another
            # thread): that is the loop ending, not a failure
            if not self.stopping.is_set():
                raise

    def stop(self) -> None:
        """Close the listener and every open connection (keep-alive clients too), then the workers."""
        with self._spare_lock:  # no spare worker is added or restored once the pool is being shut down
            self.stopping.set()
        trigger = self._server.trigger  # type: ignore[union-attr]
        if self._thread.is_alive():
            # Close the sockets inside the loop's own thread: the trigger wakes its select() at once and
            # the loop ends when its map is empty (closed from here, it would sleep on in select). The
            # trigger itself only leaves the map there; its pipe stays open until no thread can pull it,
            # or a worker's (or this) pull could write to a closed or re-used descriptor.
            trigger.pull_trigger(self._close_connections)
            self._thread.join(timeout=5)
        self._close_connections()
        self._server.task_dispatcher.shutdown(timeout=2)  # type: ignore[union-attr]
        trigger.close()

    def _close_connections(self) -> None:
        """Every channel but the trigger is closed; the trigger is only taken out of the loop's map."""
        trigger = self._server.trigger  # type: ignore[union-attr]
        for channel in list(self._server._map.values()):  # type: ignore[union-attr]
            if channel is trigger:
                channel.del_channel()
            elif channel is self._server:
                wasyncore.dispatcher.close(channel)  # the listener; waitress' own close() closes the trigger too
            else:
                channel.close()

    def serve_forever(self) -> None:
        self.stopping.clear()
        self._server.run()

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


class LiveServer(ThreadedServer):
    """``with LiveServer(app) as server: requests.get(server.url + "/_sim/")``: the simulator over HTTP.

    Its stop event is the app's own (``Backends.stopping``): held requests (latency and timeout rules)
    wait on it, so stopping one app's server never releases another's; while they wait, their worker is
    replaced (``Backends.lend_worker`` is this server's :meth:`spare_worker` while it serves).
    """

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0, threads: int = THREADS) -> None:
        super().__init__(app, host=host, port=port, threads=threads, ident="qbo-sim",
                         clear_untrusted_proxy_headers=True)
        self._backends = app.extensions["qbo_simulator"]
        self.stopping = self._backends.stopping

    def start(self) -> Any:
        self._backends.lend_worker = self.spare_worker
        return super().start()

    def serve_forever(self) -> None:
        self._backends.lend_worker = self.spare_worker
        super().serve_forever()

    def stop(self) -> None:
        super().stop()
        if self._backends.lend_worker == self.spare_worker:
            self._backends.lend_worker = nullcontext
        self._backends.webhooks.close()
