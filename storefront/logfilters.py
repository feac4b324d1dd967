"""No secret in a log line: the keys and tokens of emailed links, and secrets in query strings, are
masked in every line Django (django.request, django.server, django.security) and gunicorn's access
log write, since those lines carry the request's path."""

from __future__ import annotations

import logging
import re

# The path segment after these carries a secret: reset keys, contact invitation and email links,
# sign-in links.
_SECRET_PATH = re.compile(r"(/(?:password/reset/key|activate|confirm|validate-email|sign-in-link/key)/)[^/\s?\"']+")
_SECRET_QUERY = re.compile(r"([?&](?:key|token|code|password|sessionid|secret)=)[^&\s\"']+", re.IGNORECASE)
MASK = "[redacted]"


def redact(text: str) -> str:
    """The text with link keys and secret query values masked."""
    text = _SECRET_PATH.sub(rf"\g<1>{MASK}", text)
    return _SECRET_QUERY.sub(rf"\g<1>{MASK}", text)


class RedactSecrets(logging.Filter):
    """A logging filter that rewrites the record's message with `redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, ()
        # Only the message is rewritten: the request django.request keeps on the record is left as it is,
        # and no handler of settings.LOGGING shows it (Django's mail_admins, whose report would print the
        # request's path and query unmasked, is taken off the "django" logger there).
        return True


try:  # gunicorn is the production server; absent in some development setups
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = None


if _GunicornLogger is not None:

    class GunicornLogger(_GunicornLogger):
        """gunicorn's access log, with the request line, path and query masked (`--logger-class`)."""

        def atoms(self, resp, req, environ, request_time):  # type: ignore[override]
            atoms = super().atoms(resp, req, environ, request_time)
            for name in ("r", "U", "q", "f"):
                if isinstance(atoms.get(name), str):
                    atoms[name] = redact(atoms[name])
            return atoms
