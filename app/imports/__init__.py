"""Generic file imports: upload → ImportRun → checked rows → one transaction → report.

Used by the roster import (app/registry/roster.py) and meant for any other table import
(e.g. labour-cooperation openings). An importer only says what its columns are, how one
row is checked and how a batch is written; this package does the rest.

Writing an importer::

    from app.imports.base import ApplyResult, Column, ImporterInfo, RowErrors

    class OpeningsImporter:
        kind = "openings"
        columns = (
            Column("title", "岗位名称", _l("Title"), required=True, aliases=("岗位", "title")),
            Column("headcount", "招聘人数", _l("Head-count"), aliases=("人数",)),
        )

        def begin(self, run):            # once, before the first row: read run.created_by_id,
            ...                          # run.employer_id, run.options; preload lookups
                                         # (store ids/values, not ORM objects: the runner
                                         # commits progress, which expires them)
        def validate(self, row, line):   # row = {column key: raw cell}; cells are str, int,
            errors = RowErrors()         # float, datetime or None
            if not row.get("title"):
                errors.add("title", row.get("title"), _l("Enter the title."))
            return errors or {"title": row["title"], ...}   # any picklable record
        def apply(self, batch):          # [(line, record)], up to 1,000; flush, never commit
            ...
            return ApplyResult(added=n, updated=0, unchanged=0,
                               rejected={line: RowErrors(...)})  # refused at write time
        def finish(self):                # after the last batch, same transaction
            ...

    IMPORTER = ImporterInfo(OpeningsImporter, title=_l("Openings import"),
                            back_endpoint="employers.my_jobs")

and list it in the factory (``app/factory.py``: ``IMPORTERS = {KIND: IMPORTER, …}``).

Starting an import run (view or CLI)::

    from app.imports.runner import create_run, run_import, start_in_background

    run = create_run("openings", upload.filename, upload.stream, user=current_user,
                     employer_id=employer.id,            # or area_code=… for officers
                     options={"locale": str(get_locale()),
                              "mapping": {"职位": "title"}})   # optional header → key
    db.session.commit()
    run_import(run)                    # synchronous: commits; never raises for bad files
    # or start_in_background(current_app._get_current_object(), run.id)
    return redirect(url_for("imports.run", run_id=run.id))

The run page ``imports.run`` shows progress (polled by ``imports/static/progress.js``, with
a meta-refresh fallback), then the counts, the problems and ``imports.report`` — the bad
rows as .xlsx with their original cells plus row, column and reason, which can be fixed and
imported again as-is. Runs are scoped like any model: ``__scope__`` area = ``area_code``,
employer = ``employer_id``.

Column mapping step: ``reading.open_table(path, filename, columns, mapping=…)`` or
``reading.map_headers(headers, columns, mapping)`` tell which header goes to which key;
an explicit ``options["mapping"]`` wins over the aliases.

Whole-file problems (wrong type, zip bomb, empty, missing required headers, merged cells
in the data, more rows than ``IMPORT_MAX_ROWS``) end the run as failed with a translated
message; nothing is written. Limits come from the config: ``IMPORT_MAX_ROWS`` (200,000),
``IMPORT_MAX_UNCOMPRESSED_MB`` (400), ``IMPORT_MAX_RATIO`` (200), and
``IMPORT_BACKGROUND_BYTES`` (256 KB: larger uploads run in a background thread).

Every .xlsx the application writes goes through ``report.write_xlsx``/``xlsx_bytes`` (or
``report.safe_cell`` for hand-built sheets) so that cells starting with = + - @ are not run
as formulas.
"""
