import io
import traceback


def inner():
    raise ValueError("deep")


def mid():
    inner()


def outer():
    try:
        mid()
    except ValueError as e:
        raise KeyError("wrapped") from e


def main(show):
    try:
        outer()
    except KeyError as e:
        show(''.join(traceback.format_exception(type(e), e, e.__traceback__, limit=1)))
        show(''.join(traceback.format_exception(type(e), e, e.__traceback__.tb_next)))
        show(''.join(traceback.format_exception(e, limit=-1, chain=False)))
        out = io.StringIO()
        traceback.print_exception(type(e), e, None, file=out)
        show(out.getvalue())
        show(traceback.format_exc(limit=1))
        out = io.StringIO()
        traceback.print_exc(limit=-1, file=out)
        show(out.getvalue())
        te = traceback.TracebackException.from_exception(e, limit=1)
        show(''.join(te.format()))
