"""The bot's small web app: a page for every cited document, ``/healthz`` and ``/metrics``.

It is an adapter like the command line: aiohttp (which discord.py already brings) on the bot's own
event loop, talking to the core only through ``Engines``. Nothing here imports ``discord``.
"""
