"""gunicorn settings read by `make serve` (gunicorn --config gunicorn.conf.py).

gunicorn writes its own `Server: gunicorn` header in front of the application's headers; there is no
setting for it, so the name it writes is replaced here by the product's neutral value (the same one
`unit.middleware.ServerHeaderMiddleware` sets under any other server). A response then carries one
`Server` header, which names no software (issue 11).
"""

import os

import gunicorn.http.wsgi

SERVER_HEADER = os.environ.get("SERVER_HEADER", "web")
gunicorn.http.wsgi.SERVER = SERVER_HEADER
