-- The row-level error report of each department import, kept so that an
-- official who uploads the same file again (nothing changes then) gets the
-- report of the first import back. JSON array of {line, resident_id
-- (masked), reason}; NULL for imports recorded before this column existed.
ALTER TABLE department_imports ADD COLUMN errors_json TEXT;
