"""Project configuration: settings, the root URL map and the WSGI/ASGI entry points."""
