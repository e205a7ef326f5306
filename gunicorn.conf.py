"""gunicorn settings of Aula REFICOOP.

gunicorn reads this file by itself when started from the project folder (`gunicorn -w 2 -b
127.0.0.1:8000 wsgi:app`, docs/operations.md); from elsewhere, pass it: `gunicorn -c
/srv/aula/gunicorn.conf.py ...`. Options on the command line win over the settings here.

It removes the `Server: gunicorn` header (issue 25): it tells anyone which server, and so which
of its flaws, to try. gunicorn has no setting for it, so the header line is dropped from the
ones its HTTP/1 responses start with; the file runs in the master, before the workers fork.
"""

from gunicorn.http import wsgi as _gunicorn_wsgi


def _without_server_header(default_headers):
    def headers(self):
        return [line for line in default_headers(self) if not line.lower().startswith("server:")]

    headers.drops_server_header = True
    return headers


if not getattr(_gunicorn_wsgi.Response.default_headers, "drops_server_header", False):
    _gunicorn_wsgi.Response.default_headers = _without_server_header(
        _gunicorn_wsgi.Response.default_headers
    )
