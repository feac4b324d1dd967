"""A local SMTP sink on loopback that can misbehave on cue: the fault suite's mail server.

A small asyncio server (RFC 5321's commands smtplib sends: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT), run in a thread of the suite's process so each fault sets its behaviour directly:

- `temporary_failure(seconds)`: every RCPT TO answered 451 for a while;
- `refuse(address)`: RCPT TO that address answered 550, for good;
- `hang(seconds)`: new connections get no greeting at all for a while (the client's timeout cuts them;
  how long each waited is recorded);
- `delay_next_data(seconds, count=1)`: the final "." of each of the next `count` messages is answered
  only after a delay, and `data_pending` is set once all of them are held, so a worker can be killed
  in the middle of sending, or Redis frozen while the worker's threads are about to ack.

A message counts as received only once the sink has answered 250 to its data, as a real server
commits it: a client that disconnects before that has sent nothing (counted as `aborted`). Messages
are counted by Message-ID, so a second copy of one email shows as a duplicate.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser

LINE_LIMIT = 1 << 20


@dataclass
class Received:
    message_id: str
    recipients: list[str]
    subject: str
    at: float


@dataclass
class SmtpSink:
    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)
    rcpt_attempts: Counter = field(default_factory=Counter)
    aborted: int = 0
    hung_cut_after: list[float] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    temporary_until: float = 0.0
    hang_until: float = 0.0
    data_delay: float = 0.0
    data_holds: int = 0
    data_pending: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="smtp-sink", daemon=True)

    # --- control, from the suite's thread ------------------------------------------------------------

    def start(self) -> SmtpSink:
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._session, self.host, self.port, limit=LINE_LIMIT), self._loop
        )
        self._server = started.result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        """Close the server and end its sessions on the loop's own thread (asyncio objects are not
        thread-safe), then stop and close the loop."""
        if not self._thread.is_alive():
            return
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=5)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            if not self._thread.is_alive():
                self._loop.close()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        sessions = [task for task in asyncio.all_tasks(self._loop) if task is not asyncio.current_task()]
        for task in sessions:
            task.cancel()
        await asyncio.gather(*sessions, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    def temporary_failure(self, seconds: float) -> None:
        self.temporary_until = time.monotonic() + seconds

    def refuse(self, address: str) -> None:
        self.refused.add(address.lower())

    def hang(self, seconds: float) -> None:
        self.hang_until = time.monotonic() + seconds

    def delay_next_data(self, seconds: float, count: int = 1) -> None:
        self.data_pending.clear()
        self.data_holds = count
        self.data_delay = seconds

    def copies(self) -> Counter:
        """How many times each Message-ID was received."""
        with self._lock:
            return Counter(message.message_id for message in self.received)

    # --- the server ----------------------------------------------------------------------------------

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            if time.monotonic() < self.hang_until:
                await self._hang(reader)
                return
            await self._converse(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def _hang(self, reader: asyncio.StreamReader) -> None:
        """Say nothing; record how long the client waited before it gave up."""
        opened = time.monotonic()
        while time.monotonic() < self.hang_until:
            try:
                if await asyncio.wait_for(reader.read(1024), timeout=0.1) == b"":
                    with self._lock:
                        self.hung_cut_after.append(round(time.monotonic() - opened, 2))
                    return
            except TimeoutError:
                continue

    async def _converse(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def reply(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        await reply("220 faults-sink ESMTP")
        recipients: list[str] = []
        while True:
            raw = await reader.readline()
            if not raw:
                return
            line = raw.decode(errors="replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb in {"EHLO", "HELO"}:
                await reply("250-faults-sink\r\n250-8BITMIME\r\n250 SMTPUTF8" if verb == "EHLO" else "250 faults-sink")
            elif verb == "MAIL":
                recipients = []
                await reply("250 2.1.0 OK")
            elif verb == "RCPT":
                address = line.partition(":")[2].split()[0].strip("<>").lower() if ":" in line else ""
                with self._lock:
                    self.rcpt_attempts[address] += 1
                if address in self.refused:
                    await reply(f"550 5.1.1 <{address}>: recipient refused")
                elif time.monotonic() < self.temporary_until:
                    await reply("451 4.3.0 try again later")
                else:
                    recipients.append(address)
                    await reply("250 2.1.5 OK")
            elif verb == "DATA":
                if not recipients:
                    await reply("503 5.5.1 no valid recipients")
                    continue
                await reply("354 end data with <CR><LF>.<CR><LF>")
                data = await self._read_data(reader)
                if self.data_delay and self.data_holds:
                    delay = self.data_delay
                    self.data_holds -= 1
                    if not self.data_holds:
                        self.data_delay = 0.0
                        self.data_pending.set()
                    try:
                        if await asyncio.wait_for(reader.read(1), timeout=delay) == b"":
                            with self._lock:
                                self.aborted += 1  # the client died before the message was accepted
                            return
                    except TimeoutError:
                        pass
                self._keep(data, recipients)
                recipients = []
                await reply("250 2.0.0 OK queued")
            elif verb == "RSET":
                recipients = []
                await reply("250 2.0.0 OK")
            elif verb == "NOOP":
                await reply("250 2.0.0 OK")
            elif verb == "QUIT":
                await reply("221 2.0.0 bye")
                return
            else:
                await reply("502 5.5.2 command not recognised")

    @staticmethod
    async def _read_data(reader: asyncio.StreamReader) -> bytes:
        lines = []
        while True:
            raw = await reader.readline()
            if not raw:
                raise ConnectionError("closed during DATA")
            if raw in {b".\r\n", b".\n"}:
                return b"".join(lines)
            lines.append(raw[1:] if raw.startswith(b"..") else raw)

    def _keep(self, data: bytes, recipients: list[str]) -> None:
        headers = BytesHeaderParser().parsebytes(data)
        with self._lock:
            self.received.append(
                Received(
                    message_id=str(headers.get("Message-ID", "")).strip(),
                    recipients=list(recipients),
                    subject=str(headers.get("Subject", "")),
                    at=time.monotonic(),
                )
            )
