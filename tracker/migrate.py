"""Alembic, configured in code so the same migrations run from a checkout or a wheel."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from flask import Flask

from . import resource_dir


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Search structures made by raw SQL in the migrations (FTS5 tables, expression
    indexes) are not models; autogenerate must not propose to drop them."""
    return not (name or "").startswith(("fault_fts", "ix_fts_"))


def alembic_config(app: Flask) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resource_dir("migrations")))
    cfg.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    # Date-prefixed file names, so the history reads in order in a directory listing.
    cfg.set_main_option(
        "file_template",
        "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s",
    )
    cfg.attributes["engine"] = app.extensions["db_engine"]
    return cfg


def upgrade(app: Flask, revision: str = "head") -> None:
    command.upgrade(alembic_config(app), revision)


def downgrade(app: Flask, revision: str = "base") -> None:
    command.downgrade(alembic_config(app), revision)


def current_heads(app: Flask) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with app.extensions["db_engine"].connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())
