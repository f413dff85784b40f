"""Retort's bridge to a project's own Alembic, run as `python -c <this file> MODE ARGS...`.

Modes:
  probe                  print the interpreter's versions and installed database drivers (JSON)
  graph -c CONFIG... [-n NAME]
                         print every revision script Alembic loads, in file order (JSON); -c
                         names the ini file and/or pyproject.toml, as Alembic's own -c
  run ARGS...            run Alembic's command line exactly as `python -m alembic ARGS...`, with:
                         - sqlalchemy.url set in memory from RETORT_SQLALCHEMY_URL (the ini file
                           is not touched; `%` is doubled as configparser requires);
                         - one JSON line on stderr per migration step started and finished;
                         - a check, before the first step, that env.py connected to that URL;
                         - a stop between steps when the file RETORT_CANCEL_FILE appears.

Event lines start with PREFIX; everything else on stdout/stderr is Alembic's own output.
"""
import json
import os
import sys

PREFIX = "retort-event: "


class WrongDatabase(Exception):
    pass


def emit(event, **fields):
    fields["event"] = event
    sys.stderr.write(PREFIX + json.dumps(fields) + "\n")
    sys.stderr.flush()


def probe():
    import importlib.util

    info = {"python": sys.version.split()[0], "executable": sys.executable}
    for name in ("alembic", "sqlalchemy"):
        try:
            module = __import__(name)
            info[name] = getattr(module, "__version__", "unknown")
        except Exception as e:
            info[name + "_error"] = "%s: %s" % (type(e).__name__, e)
    drivers = []
    for name in (
        "psycopg2", "psycopg", "pg8000", "asyncpg",
        "pymysql", "MySQLdb", "mysql.connector", "mariadb", "asyncmy", "aiomysql",
        "aiosqlite",
    ):
        try:
            if importlib.util.find_spec(name) is not None:
                drivers.append(name)
        except Exception:
            pass
    info["drivers"] = drivers
    print(json.dumps(info))


def graph(argv):
    import argparse

    from alembic import util
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    parser = argparse.ArgumentParser(prog="retort-graph")
    parser.add_argument("-c", dest="config", action="append", required=True)
    parser.add_argument("-n", dest="name", default="alembic")
    args = parser.parse_args(argv)
    # As Alembic's CommandLine: a file named pyproject.toml is the toml config, any other the ini.
    toml = [c for c in args.config if os.path.basename(c) == "pyproject.toml"]
    ini = [c for c in args.config if os.path.basename(c) != "pyproject.toml"]
    if toml:
        config = Config(file_=ini[0] if ini else None, toml_file=toml[0], ini_section=args.name)
    else:
        config = Config(file_=ini[0], ini_section=args.name)
    directory = ScriptDirectory.from_config(config)
    if hasattr(directory, "_load_revisions"):
        scripts = list(directory._load_revisions())
    else:
        scripts = list(directory.walk_revisions())[::-1]
    out = []
    for script in scripts:
        labels = getattr(script, "_orig_branch_labels", None)
        if labels is None:
            labels = sorted(script.branch_labels or ())
        out.append({
            "revision": script.revision,
            "down_revisions": list(util.to_tuple(script.down_revision, default=())),
            "branch_labels": list(labels),
            "depends_on": list(util.to_tuple(script.dependencies, default=())),
            "doc": script.doc,
            "longdoc": script.longdoc,
            "path": str(script.path),
        })
    print(json.dumps({"revisions": out}))


def same_database(expected, actual):
    """Whether two SQLAlchemy URLs name the same database (driver and password aside)."""
    def backend(url):
        name = url.get_backend_name()
        return "mysql" if name == "mariadb" else name

    if backend(expected) != backend(actual):
        return False
    if backend(expected) == "sqlite":
        def path(url):
            database = url.database or ""
            if database in ("", ":memory:"):
                return database
            return os.path.realpath(os.path.abspath(database))
        return path(expected) == path(actual)
    local = ("localhost", "127.0.0.1", "::1", None, "")
    def host(url):
        return "localhost" if url.host in local else url.host
    default_port = {"postgresql": 5432, "mysql": 3306}.get(backend(expected))
    return (
        host(expected) == host(actual)
        and (expected.port or default_port) == (actual.port or default_port)
        and (expected.database or None) == (actual.database or None)
    )


def describe_context(context):
    info = {
        "dialect": context.dialect.name,
        "as_sql": bool(context.as_sql),
        "version_table": getattr(context, "version_table", "alembic_version"),
        "version_table_schema": getattr(context, "version_table_schema", None),
    }
    url = None
    if not context.as_sql and context.connection is not None:
        try:
            url = context.connection.engine.url
        except Exception:
            url = None
    if url is not None:
        try:
            info["url"] = url.render_as_string(hide_password=True)
        except AttributeError:
            info["url"] = repr(url)
    emit("context", **info)
    expected = os.environ.get("RETORT_SQLALCHEMY_URL")
    if expected and url is not None:
        from sqlalchemy.engine import make_url

        wanted = make_url(expected)
        if not same_database(wanted, url):
            raise WrongDatabase(
                "env.py connected to %s, not to the database Retort selected (%s). Make env.py "
                "take its URL from sqlalchemy.url (config.get_main_option) or DATABASE_URL; "
                "nothing was run."
                % (info.get("url"), wanted.render_as_string(hide_password=True))
            )


def describe_step(step):
    try:
        script = getattr(step, "revision", None)
        if type(step).__name__ == "StampStep":
            direction = "stamp"
        else:
            direction = "up" if step.is_upgrade else "down"
        from_ = getattr(step, "from_revisions_no_deps", None) or step.from_revisions
        to = getattr(step, "to_revisions_no_deps", None) or step.to_revisions
        return {
            "direction": direction,
            "revision": getattr(script, "revision", None),
            "from": list(from_ or ()),
            "to": list(to or ()),
            "log": str(step),
        }
    except Exception:
        return {"log": str(step)}


def install_hooks():
    try:
        from alembic.runtime.migration import MigrationContext
    except Exception as e:
        emit("hooks_unavailable", reason="%s: %s" % (type(e).__name__, e))
        return
    original = MigrationContext.run_migrations
    cancel_file = os.environ.get("RETORT_CANCEL_FILE")

    def run_migrations(self, **kw):
        describe_context(self)
        steps_fn = getattr(self, "_migrations_fn", None)
        if steps_fn is not None:
            def steps(heads, context):
                for step in steps_fn(heads, context):
                    if cancel_file and os.path.exists(cancel_file):
                        emit("cancelled")
                        return
                    described = describe_step(step)
                    emit("step_started", **described)
                    yield step
                    # Resumed once the step ran and its version row changed (and, without
                    # transactional DDL, its transaction committed).
                    emit("step_finished", revision=described.get("revision"))

            self._migrations_fn = steps
        return original(self, **kw)

    MigrationContext.run_migrations = run_migrations


def run(argv):
    from alembic.config import CommandLine, Config

    install_hooks()
    cli = CommandLine(prog="alembic")
    options = cli.parser.parse_args(argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    if hasattr(cli, "_inis_from_config"):
        toml_file, ini_file = cli._inis_from_config(options)
        config = Config(
            file_=ini_file, toml_file=toml_file, ini_section=options.name, cmd_opts=options
        )
    else:
        config = Config(file_=options.config, ini_section=options.name, cmd_opts=options)
    url = os.environ.get("RETORT_SQLALCHEMY_URL")
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cli.run_cmd(config, options)


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    argv = sys.argv[2:]
    try:
        if mode == "probe":
            probe()
        elif mode == "graph":
            graph(argv)
        elif mode == "run":
            run(argv)
        else:
            sys.exit("retort bridge: unknown mode %r" % mode)
    except WrongDatabase as e:
        emit("error", kind="wrong_database", type="WrongDatabase", message=str(e))
        sys.exit(3)
    except Exception as e:
        import traceback

        traceback.print_exc()
        kind = type(e)
        name = kind.__name__ if kind.__module__ == "builtins" else kind.__module__ + "." + kind.__name__
        emit("error", kind="exception", type=name, message=str(e))
        sys.exit(1)


main()
