"""A progress bar on a terminal (tqdm), nothing elsewhere (logs, tests, the admin)."""

import contextlib

from tqdm import tqdm


@contextlib.contextmanager
def progress_bar(total, stream, unit):
    """Yields `advance(n)`; draws only when `stream` is a terminal."""
    out = getattr(stream, "_out", stream)
    if not (hasattr(out, "isatty") and out.isatty()):
        yield lambda n: None
        return
    with tqdm(total=total, unit=f" {unit}", file=out, dynamic_ncols=True) as bar:
        yield bar.update
