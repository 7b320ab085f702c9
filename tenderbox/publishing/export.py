"""Bulk export: every public process as one release package a line, gzipped, in flat memory."""

import collections
import gzip
import io
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from django.utils import timezone

from tenderbox.lib.db import replica_reads
from tenderbox.publishing import packages

# gzip's own default (`gzip -6`): level 9, Python's default, takes 60% more time to compress the
# releases for files only 5% smaller (measured on 110,000 releases: docs/performance.md).
COMPRESSION = 6
BATCH_BYTES = 1 << 20  # what the file export hands its compressing thread at a time


def package_lines(uri: str) -> Iterator[bytes]:
    published = timezone.now()
    # Published data only, read from the replica when there is one (docs/operations.md).
    with replica_reads():
        for _cursor, _ocid, made in packages.iter_processes():
            package = packages.release_package(made, uri=uri, published=published)
            yield json.dumps(package, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def gzipped_lines(uri: str, *, flush_every: int = 64 * 1024) -> Iterator[bytes]:
    """Gzip the lines as they are made, handing on compressed bytes every `flush_every` bytes of
    input: nothing holds more than one buffer."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=COMPRESSION) as zipped:
        pending = 0
        for line in package_lines(uri):
            zipped.write(line)
            pending += len(line)
            if pending >= flush_every:
                zipped.flush()
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
                pending = 0
    yield buffer.getvalue()


def export(path, *, uri: str) -> int:
    """Write the gzipped JSON lines to a file; return how many processes were written.

    Compression runs in a second thread, a batch of lines at a time, while the next releases are
    built: zlib lets go of the GIL as it compresses, so on two cores the two overlap (a sixth of
    the export's time was gzip's). One writer keeps the batches in order; at most a few batches
    wait, so memory stays flat, and a failed write stops the export with its error."""
    count = 0
    waiting = collections.deque()
    with gzip.open(path, "wb", compresslevel=COMPRESSION) as out, ThreadPoolExecutor(max_workers=1) as writer:
        batch, size = [], 0
        for line in package_lines(uri):
            batch.append(line)
            size += len(line)
            count += 1
            if size >= BATCH_BYTES:
                waiting.append(writer.submit(out.write, b"".join(batch)))
                batch, size = [], 0
                if len(waiting) > 4:
                    waiting.popleft().result()
        waiting.append(writer.submit(out.write, b"".join(batch)))
        for written in waiting:
            written.result()
    return count
