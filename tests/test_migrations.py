"""The migrations build exactly the models' schema, and go down and up again."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import tracker.models  # noqa: F401
from tests.conftest import fresh_database, make_config
from tracker import create_app, migrate


def _diff(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": migrate.include_object}
        )
        return compare_metadata(ctx, SQLModel.metadata)


def test_upgrade_from_empty_matches_models_and_downgrade_to_base(tmp_path):
    with fresh_database(tmp_path) as url:
        app = create_app(make_config(url, tmp_path))
        engine = app.extensions["db_engine"]
        try:
            migrate.upgrade(app)
            assert _diff(engine) == []
            tables = set(inspect(engine).get_table_names())
            assert set(SQLModel.metadata.tables) <= tables
            assert migrate.current_heads(app)

            migrate.downgrade(app, "base")
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            assert migrate.current_heads(app) == set()

            migrate.upgrade(app)
            assert _diff(engine) == []
        finally:
            engine.dispose()


def test_migration_files_are_date_prefixed():
    from tracker import resource_dir

    names = [p.name for p in (resource_dir("migrations") / "versions").glob("*.py")]
    assert names
    for name in names:
        assert name[:8].isdigit() and name[8] == "_", name
