"""The graph on the web: a page for every resource, the query page, the SPARQL endpoint, a static site.

- :mod:`kg.web.pages`: what a page shows, gathered from the store (no web framework);
- :mod:`kg.web.render`: the Jinja2 templates that turn it into HTML, and RDF answers;
- :mod:`kg.web.app`: the Starlette application that ``kg serve`` runs under uvicorn;
- :mod:`kg.web.site`: the same pages as static files (``kg site``);
- :mod:`kg.web.vendor`: YASGUI, brought from the npm registry into ``static/yasgui``.
"""
