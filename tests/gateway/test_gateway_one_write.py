"""The bench's raw HTTP client reads answers by their Content-Length, and souq serve's
protocol sends each answer's head and body in one write (gateway.serve.HeadHeld)."""
import asyncio

import pytest

from souq.gateway.bench import _response
from souq.gateway.serve import HeadHeld


class Recorder:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name):
        return ("peer", name)


def test_head_goes_out_with_the_body_in_one_write():
    real = Recorder()
    t = HeadHeld(real)
    t.write(b"HTTP/1.1 100 Continue\r\n\r\n")       # not held: the client waits for it
    t.write(b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n")
    assert real.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    t.write(b"{}")
    t.write(b"more")                                 # a later chunk goes as it comes
    assert real.writes[1:] == [b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}", b"more"]
    assert t.get_extra_info("peername") == ("peer", "peername")


def test_closing_sends_a_held_head_first():
    real = Recorder()
    t = HeadHeld(real)
    t.write(b"HTTP/1.1 500 Internal Server Error\r\n\r\n")
    t.close()
    assert real.writes == [b"HTTP/1.1 500 Internal Server Error\r\n\r\n"] and real.closed


def _read(raw: bytes):
    async def go():
        reader = asyncio.StreamReader()
        reader.feed_data(raw)
        reader.feed_eof()
        return await _response(reader)
    return asyncio.run(go())


def test_bench_client_reads_status_and_body_by_length():
    raw = (b"HTTP/1.1 422 Unprocessable Entity\r\nContent-Length: 4\r\n"
           b"content-type: application/problem+json\r\n\r\n{\"a\"}NEXT")
    assert _read(raw) == (422, b'{"a"')


def test_bench_client_refuses_an_answer_without_length():
    with pytest.raises(RuntimeError, match="Content-Length"):
        _read(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n")
