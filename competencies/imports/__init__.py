"""Import and export of organisation units, positions (with their competency standard)
and employees, as CSV or XLSX (docs/imports.md: the formats, every column and its
Indonesian alias).

Every import checks the whole file first and writes only when no row has an error, in one
transaction, so a file is imported completely or not at all. Rows are matched on their key
(unit and position `code`, employee `nip`): a row that matches nothing is created, a row
that matches is compared field by field and written only when something changed, so
importing the same file twice changes nothing the second time. Messages are in the active
language (gettext, English msgids).

- `columns`: the kinds, the formats and every column;
- `reading`: the file itself, its cells and rows, and the reading bounds;
- `cells`: parsing one cell;  `report`: what an import found;
- `runner`: the check-then-write run shared by the three imports;
- `units`, `positions`, `employee_checks` + `employees`: the three imports;
  `importers`: which one serves each kind;
- `exports`: the exports and the import templates;
- `pending`: uploads kept between the dry run and "Import now";
- `checks`: the dry run of a large upload in a Celery task."""
