-- Nothing changes on SQLite: its foreign keys from an application's
-- children to `applications` stay, checked in-process at little cost.
-- PostgreSQL's 0065 drops them there (the writer's time; see that file)
-- and refuses deleting or renumbering an application instead. The number
-- keeps both backends' series the same.
SELECT 1;
