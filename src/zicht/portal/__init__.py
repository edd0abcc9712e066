"""The portal assembles the site from the apps: the front page and the member's home
("waiting for you"), the root URLs' pages (health checks, error pages), the daily task
schedule and the demo loader. It is the top layer: it may import every app, no app
imports it (``lint-imports``)."""
