"""The local web app (``integration-index serve``): a guided self-assessment in the browser.

It reads and writes the same profile TOML files as the rest of the library, in a folder of the
user's choice, and needs the ``web`` extra (Starlette, uvicorn, Jinja2, python-multipart).
"""
