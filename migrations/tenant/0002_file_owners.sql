-- A document always belongs to an employee or invoice that exists. The service checks
-- this too; the triggers make it true for every code path, now and later: a file for a
-- missing owner is refused, and deleting an owner (a draft invoice) takes its documents
-- with it (their chunks follow through ON DELETE CASCADE).
CREATE TRIGGER files_need_owner BEFORE INSERT ON files
WHEN (NEW.entity = 'employee' AND NOT EXISTS (SELECT 1 FROM employees WHERE id = NEW.entity_id))
  OR (NEW.entity = 'invoice' AND NOT EXISTS (SELECT 1 FROM invoices WHERE id = NEW.entity_id))
BEGIN
    SELECT RAISE(ABORT, 'file owner does not exist');
END;

CREATE TRIGGER invoices_take_files AFTER DELETE ON invoices
BEGIN
    DELETE FROM files WHERE entity = 'invoice' AND entity_id = OLD.id;
END;

CREATE TRIGGER employees_take_files AFTER DELETE ON employees
BEGIN
    DELETE FROM files WHERE entity = 'employee' AND entity_id = OLD.id;
END;
